"""Screenshots of the user guides, taken from the demo project (``make screenshots``).

The screenshots are skipped unless COOPILOTE_SCREENSHOTS=1: they rewrite docs/guide/img/*.png.
The first-visit tour and the « ? » link, which every screenshot session meets, are tested here
in every run. Each image is a
1366×768 viewport of a real page, signed in as the demo person whose guide shows it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tests.browser.conftest import wait_until
from workspace.extensions import db

only_when_asked = pytest.mark.skipif(
    os.environ.get("COOPILOTE_SCREENSHOTS") != "1",
    reason="set COOPILOTE_SCREENSHOTS=1 (make screenshots) to regenerate the guide images",
)

IMG = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
PEOPLE = {
    "claire": "claire.martin@demo.coopilote.fr",
    "karim": "karim.benali@demo.coopilote.fr",
    "julien": "julien.faure@demo.coopilote.fr",
    "nadia": "nadia.lopez@demo.coopilote.fr",
    "pierre": "pierre.garnier@demo.coopilote.fr",
}
MAX_BYTES = 200_000


def _ids() -> dict[str, int]:
    """Ids of the demo objects the guides show (a submitted milestone, a questioned measure)."""
    from plugins.indicators.models import Measurement
    from plugins.milestones.models import Milestone
    from plugins.plan.models import PlanSection
    from workspace.models import Project

    project = db.session.scalar(db.select(Project))
    milestone = db.session.scalar(db.select(Milestone).filter_by(status="submitted"))
    questioned = db.session.scalar(db.select(Measurement).filter_by(review_status="questioned"))
    goals = db.session.scalar(db.select(PlanSection).filter_by(title="Objectifs"))
    return {
        "section": goals.id,
        "p": project.id,
        "milestone": milestone.id,
        "indicator": questioned.indicator_id if questioned else 1,
    }


def _shots(ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(image name, person, path) — the order of the guides."""
    p = f"/projects/{ids['p']}"
    return [
        ("projects", "claire", "/"),
        ("overview", "claire", f"{p}/"),
        ("plan", "karim", f"{p}/plan/"),
        ("plan-editor", "karim", f"{p}/plan/sections/{ids['section']}"),
        ("plan-versions", "julien", f"{p}/plan/versions"),
        ("board", "claire", f"{p}/board/"),
        ("checklists", "karim", f"{p}/checklists/"),
        ("milestones", "claire", f"{p}/milestones/"),
        ("members", "claire", f"{p}/members/"),
        ("validations", "julien", "/my/validations"),
        ("portfolio", "julien", "/portfolio"),
        ("milestone-review", "julien", f"{p}/milestones/{ids['milestone']}"),
        ("funding", "karim", f"{p}/funding/"),
        ("discussions", "karim", f"{p}/comments/"),
        ("indicators", "nadia", f"{p}/indicators/"),
        ("indicator-review", "nadia", f"{p}/indicators/{ids['indicator']}"),
        ("dashboard", "pierre", f"{p}/dashboard/"),
        ("reports", "pierre", f"{p}/dashboard/reports"),
    ]


def _save(page, name: str) -> Path:
    """Write a viewport PNG, quantised to a palette to stay small (Pillow is a dependency)."""
    from PIL import Image

    raw = page.screenshot(full_page=False)
    image = Image.open(io.BytesIO(raw)).convert("RGB").quantize(colors=128)
    path = IMG / f"{name}.png"
    image.save(path, optimize=True)
    return path


def _sign_in(chromium, live_server, email):
    from workspace.projects.demo import PASSWORD

    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


@only_when_asked
def test_guide_screenshots(chromium, live_server):
    from workspace.projects.demo import load_demo

    load_demo()
    ids = _ids()
    IMG.mkdir(parents=True, exist_ok=True)
    pages = {}
    try:
        for name, person, path in _shots(ids):
            if person not in pages:
                pages[person] = _sign_in(chromium, live_server, PEOPLE[person])
            page = pages[person][1]
            response = page.goto(live_server + path)
            assert response.status == 200, (name, path, response.status)
            page.wait_for_load_state("networkidle")
            # The first-visit tour would hide the page: screenshots show the page itself.
            page.evaluate("document.querySelectorAll('dialog[open]').forEach(d => d.close())")
            saved = _save(page, name)
            assert saved.stat().st_size <= MAX_BYTES, (name, saved.stat().st_size)
    finally:
        for context, _ in pages.values():
            context.close()


def test_first_visit_tour_and_help_link(page_for, live_server):
    """The tour opens once, « Suivant » walks its steps, « Terminer » remembers it; the « ? »
    link opens the role's guide inside the layout, with its images."""
    from tests.factories import create_project, create_user

    funder = create_user("Pierre Garnier")
    project = create_project({create_user("Claire Martin"): "director", funder: "funder"})
    db.session.commit()
    page = page_for(funder, tours=True)
    page.goto(f"{live_server}/projects/{project.id}/")
    dialog = page.locator("dialog#tour")
    dialog.wait_for(state="visible")
    assert dialog.locator(".tour-step:not([hidden]) h2").inner_text() == "Vous suivez ce projet"
    assert not page.locator("[data-tour-done]").is_visible()  # only on the last step
    page.click("[data-tour-next]")
    assert "bilans" in dialog.locator(".tour-step:not([hidden]) h2").inner_text()
    page.click("[data-tour-next]")
    with page.expect_response(lambda r: r.url.endswith("/help/tour")) as answer:
        page.click("[data-tour-done]")
    assert answer.value.status == 204
    assert not dialog.is_visible()
    page.reload()
    assert page.locator("dialog#tour").count() == 0
    page.click("a.help-link")
    page.wait_for_url("**/help/fr/financeur.md")
    assert page.locator("article.help-page h1").inner_text() == "Guide du financeur"
    image = page.locator("article.help-page img").first
    image.scroll_into_view_if_needed()
    wait_until(page, "img => img.complete && img.naturalWidth > 0", image.element_handle())


def test_escape_dismisses_the_tour_for_good(page_for, live_server):
    from tests.factories import create_project, create_user

    director = create_user("Karim Benali")
    project = create_project({director: "director"})
    db.session.commit()
    page = page_for(director, tours=True)
    page.goto(f"{live_server}/projects/{project.id}/")
    page.locator("dialog#tour").wait_for(state="visible")
    with page.expect_response(lambda r: r.url.endswith("/help/tour")):
        page.keyboard.press("Escape")
    page.reload()
    assert page.locator("dialog#tour").count() == 0
