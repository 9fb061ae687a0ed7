"""Journeys per role in Chromium on the demo project (screenshots saved as test artefacts):
the funder and the director here; the adviser and the evaluator in test_journeys_review.py, two
partner directors live in test_journeys_live.py."""

from __future__ import annotations

import re
from datetime import date

from flask import url_for
from playwright.sync_api import expect

from plugins.board.models import BoardColumn, Task
from plugins.checklists import queries as checklist_queries
from plugins.checklists.models import Item as ChecklistItem
from plugins.milestones.models import Milestone
from tests.browser.conftest import screenshot
from tests.browser.live import joined, max_seen, settled, watch, watch_duplicates
from tests.factories import _HASH
from tests.hardening.test_route_matrix import _rules
from tests.hardening.world import demo_world
from workspace.extensions import db

# Forms a funder may see: they change nothing of the project.
FUNDER_FORMS = (
    "/logout",
    "/lang/",
    "/notifications/",
    "/comments/read",
    "/reports/generate",
    "/indicators/export.xlsx",  # the workbook: a job of the funder's own, nothing changes
    "/milestones/calendar",
    "/help/",  # the person's own guided-tour state
)
FORMS_JS = """() => [...document.querySelectorAll('form')]
  .filter(f => (f.getAttribute('method') || 'get').toLowerCase() === 'post'
               || f.hasAttribute('hx-post'))
  .filter(f => f.offsetParent !== null || f.closest('dialog, details') === null)
  .map(f => f.getAttribute('hx-post') || f.getAttribute('action') || location.pathname)"""
CONTROLS_JS = """() => [...document.querySelectorAll(
  '[hx-post], [hx-patch], [hx-delete], [contenteditable=true], [draggable=true]')]
  .map(e => e.outerHTML.slice(0, 120))"""


def _demo(app):
    world = demo_world()
    for user in world.people.values():
        user.password_hash = _HASH
    db.session.commit()
    return world


def _project_pages(app, client, world):
    urls = []
    with app.test_request_context():
        for rule in _rules(app):
            if "GET" not in rule.methods or "project_id" not in rule.arguments:
                continue
            if rule.endpoint.startswith("api"):
                continue
            url = url_for(rule.endpoint, **world.fill(rule))
            r = client.get(url)
            if r.status_code == 200 and r.mimetype == "text/html" and "<html" in r.text[:300]:
                urls.append(url)
    return urls


def test_funder_reads_everything_and_finds_no_way_to_change_anything(
    app, login_as, page_for, live_server, job_worker
):
    world = _demo(app)
    funder = world.people["funder"]
    urls = _project_pages(app, login_as(funder), world)
    assert any("/dashboard/" in u for u in urls) and any("/reports" in u for u in urls)
    page = page_for(funder)
    offending = []
    for url in urls:
        response = page.goto(live_server + url)
        assert response.ok, url
        for action in page.evaluate(FORMS_JS):
            if not any(part in action for part in FUNDER_FORMS):
                offending.append(f"{url}: form → {action}")
        offending += [
            f"{url}: {html}"
            for html in page.evaluate(CONTROLS_JS)
            if not any(part in html for part in FUNDER_FORMS)
        ]
    page.goto(live_server + f"/projects/{world.project.id}/dashboard/")
    screenshot(page, "journey-funder-dashboard")
    assert not offending, "\n".join(offending)
    # The funder produces the report of a period (a background job builds it: its progress
    # shows, then the link) and downloads it.
    page.goto(live_server + f"/projects/{world.project.id}/dashboard/reports")
    page.get_by_role("button", name="Générer le bilan").click()
    expect(page.locator("#report-result .job")).to_be_visible()
    download_link = page.locator("#report-result").get_by_role(
        "link", name=re.compile("Télécharger")
    )
    expect(download_link).to_be_visible(timeout=30000)
    expect(page.locator("#report-result progress")).to_have_count(0)
    screenshot(page, "journey-funder-report")
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def _follow(page, link) -> None:
    """Click a link and wait for the new page to be loaded, scripts included. A click returns
    once the navigation has started: acting on the new page before its scripts ran would use
    the plain-HTML fallback of the forms (a full POST) instead of the page's behaviour."""
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(lambda url: url.split("?")[0].endswith(href.split("?")[0]))


def _board_columns(project) -> dict:
    return {
        c.name: c
        for c in db.session.scalars(db.select(BoardColumn).filter_by(project_id=project.id))
    }


def _milestone(project, title) -> Milestone:
    db.session.expire_all()
    return db.session.scalar(db.select(Milestone).filter_by(project_id=project.id, title=title))


def test_director_plans_moves_ticks_and_submits(app, page_for, live_server):
    world = _demo(app)
    karim, project = world.people["director"], world.project
    base = f"{live_server}/projects/{project.id}"
    columns = _board_columns(project)
    page = page_for(karim)
    page.goto(base + "/board/")
    # Quick add at the bottom of « À faire » (Enter submits the one-field form).
    title = "Préparer le planning d'astreinte d'été"
    quick = page.get_by_label("Ajouter une tâche dans « À faire »")
    quick.fill(title)
    quick.press("Enter")
    todo = page.get_by_role("region", name="À faire", exact=True)
    expect(todo.get_by_role("link", name=title)).to_be_visible()
    expect(quick).to_have_value("")
    task = db.session.scalar(db.select(Task).filter_by(project_id=project.id, title=title))
    assert (task.column_id, task.created_by_id) == (columns["À faire"].id, karim.id)
    screenshot(page, "journey-director-board")

    # The task panel: due date and assignee, then a sub-task ticked.
    todo.get_by_role("link", name=title).click()
    panel = page.get_by_role("dialog", name=title)
    panel.get_by_text("Modifier la tâche").click()
    panel.get_by_label("Échéance").fill("2026-12-15")
    panel.get_by_role("checkbox", name="Karim Benali").check()
    panel.get_by_role("button", name="Enregistrer la tâche").click()
    expect(panel.locator("dl.facts")).to_contain_text("15 décembre 2026")
    expect(panel.locator("dl.facts")).to_contain_text("Karim Benali")
    db.session.expire_all()
    assert task.due_date == date(2026, 12, 15)
    assert [u.id for u in task.assignees] == [karim.id]
    panel.get_by_label("Nouvelle sous-tâche").fill("Recenser les disponibilités")
    panel.get_by_role("button", name="Ajouter", exact=True).click()
    tick = panel.get_by_role("checkbox", name="Recenser les disponibilités")
    tick.check()
    expect(panel.locator("#subitems")).to_contain_text("1/1")
    expect(tick).to_be_checked()
    screenshot(page, "journey-director-task-panel")
    db.session.expire_all()
    assert [(s.title, s.done) for s in task.subitems] == [("Recenser les disponibilités", True)]
    panel.get_by_role("button", name="Fermer").click()
    expect(panel).to_be_hidden()

    # The « Déplacer » dialog: top of « En cours »; wait for the final state of the board.
    card_id = f"t{task.id}"
    joined(page, karim)
    watch(page)
    watch_duplicates(page, card_id)
    page.locator(f"#{card_id}").get_by_role("button", name="Déplacer").click()
    dialog = page.get_by_role("dialog", name="Déplacer la tâche")
    dialog.get_by_label("Colonne", exact=True).select_option(label="En cours")
    dialog.get_by_label("Position dans la colonne").fill("1")
    dialog.get_by_role("button", name="Déplacer", exact=True).click()
    expect(page.locator("#live-announcer")).to_contain_text(
        f"« {title} » déplacée vers En cours, position 1"
    )
    settled(page, 1)
    doing = page.get_by_role("region", name="En cours", exact=True)
    expect(doing.locator(".tc").first).to_have_id(card_id)
    expect(page.locator(f"#{card_id}")).to_be_focused()
    assert max_seen(page) == {card_id: 1}
    db.session.expire_all()
    assert (task.column_id, task.position) == (columns["En cours"].id, 0)
    screenshot(page, "journey-director-board-moved")

    # A checklist item of the project marked « Fait ».
    item = next(
        i
        for s in checklist_queries.sections_of(project.id)
        for i in s.items
        if i.status == "a_faire"
    )
    page.goto(f"{base}/checklists/?area={item.section.area}")
    page.get_by_label(f"Statut de « {item.display_label} »").select_option(label="Fait")
    expect(page.locator(f"#item-{item.id}")).to_have_class(re.compile(r"\bcl-fait\b"))
    screenshot(page, "journey-director-checklists")
    db.session.expire_all()
    assert db.session.get(ChecklistItem, item.id).status == "fait"

    # The milestone « Assemblée constitutive » submitted to the adviser.
    page.goto(f"{base}/milestones/")
    _follow(page, page.get_by_role("link", name="Assemblée constitutive", exact=True))
    page.get_by_label("Message au conseiller").fill("Ordre du jour et projet de PV prêts.")
    page.get_by_role("button", name="Soumettre le jalon").click()
    expect(page.locator("#milestone-panel")).to_have_attribute("data-status", "submitted")
    expect(page.locator("#milestone-status")).to_contain_text("Soumis")
    screenshot(page, "journey-director-milestone")
    m = _milestone(project, "Assemblée constitutive")
    assert (m.status, m.round) == ("submitted", 1)
    assert (m.reviews[-1].decision, m.reviews[-1].actor_id) == ("submitted", karim.id)
    assert m.reviews[-1].reason == "Ordre du jour et projet de PV prêts."
