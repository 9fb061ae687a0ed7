"""The plan's pages: every endpoint × every visitor, then what each one does."""

from __future__ import annotations

import pytest

from plugins.plan import catalog, crdt
from plugins.plan.models import PlanSection, Status
from tests.conftest import WHO, client_for
from tests.factories import project_with_roles
from workspace.extensions import db
from workspace.models import Activity, count

from .conftest import Editor, start_plan

VIEWERS = {"coordinator", "director", "adviser", "evaluator", "funder"}
DIRECTORS = {"coordinator", "director"}


def _denied(who, r):
    if who == "anonymous":
        return r.status_code == 302 and "/login" in r.headers["Location"]
    return r.status_code == (404 if who in ("outsider", "admin") else 403)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    "page", ["", "outline", "sections/{s}", "sections/new", "sections/{s}/edit"]
)
def test_pages(plan, login_as, who, page):
    project, people, sections = plan
    url = f"/projects/{project.id}/plan/" + page.format(s=sections[0].id)
    r = client_for(who, people, login_as).get(url)
    allowed = DIRECTORS if page in ("sections/new", "sections/{s}/edit") else VIEWERS
    if who in allowed:
        assert r.status_code == 200
        assert "Contexte et besoins" in r.text or page == "sections/new"
    else:
        assert _denied(who, r)


POSTS = {
    "start": ({}, DIRECTORS),
    "sections/new": ({"title": "Annexe", "hint": ""}, DIRECTORS),
    "sections/{s}/edit": ({"title": "Renommée", "hint": "", "version": "1"}, DIRECTORS),
    "sections/{s}/move": ({"direction": "down"}, DIRECTORS),
    "sections/{last}/delete": ({}, DIRECTORS),
    "sections/{s}/status?request_review": ({"action": "request_review"}, DIRECTORS),
    "sections/{review}/status?validate": ({"action": "validate"}, {"adviser"}),
    "sections/{review}/status?return": ({"action": "return"}, {"adviser"}),
    "sections/{validated}/status?reopen": ({"action": "reopen"}, DIRECTORS),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", list(POSTS))
def test_posts(plan, login_as, who, action):
    project, people, sections = plan
    sections[1].status = Status.REVIEW.value
    sections[2].status = Status.VALIDATED.value
    db.session.commit()
    path = action.split("?")[0].format(
        s=sections[0].id, last=sections[-1].id, review=sections[1].id, validated=sections[2].id
    )
    data, allowed = POSTS[action]
    before = count(db.select(Activity))
    r = client_for(who, people, login_as).post(f"/projects/{project.id}/plan/{path}", data=data)
    if who in allowed:
        assert r.status_code == 302, r.text
        if action != "start":  # the plan was already started: nothing to do
            assert count(db.select(Activity)) == before + 1
    else:
        assert _denied(who, r)
        assert count(db.select(Activity)) == before


def test_the_funder_sees_no_control(plan, login_as):
    project, people, sections = plan
    for page in ("", f"sections/{sections[0].id}"):
        html = login_as(people["funder"]).get(f"/projects/{project.id}/plan/{page}").text
        for control in (
            "Ajouter une section",
            "Rédiger",
            "Renommer",
            "Demander la relecture",
            '<form method="post" action="/projects',
        ):
            assert control not in html, (page, control)
        assert "Lecture seule" in html or page == ""


def test_a_project_starts_with_the_sections_of_its_form(login_as):
    from flask import current_app

    from tests.factories import create_user
    from workspace import operations

    director = create_user("Directrice")
    with current_app.test_request_context():
        project = operations.create_project(director, name="Fusion", form="fusion")
        db.session.commit()
    titles = [
        s.title
        for s in db.session.scalars(
            db.select(PlanSection).filter_by(project_id=project.id).order_by(PlanSection.position)
        )
    ]
    assert titles == [t.title for t in catalog.for_form("fusion")]
    assert "Modalités juridiques de la fusion" in titles
    assert "Objet et membres du groupement (convention constitutive)" not in titles


def test_an_existing_project_starts_its_plan_from_the_empty_page(login_as):
    project, people = project_with_roles(form="partenariat")
    c = login_as(people["director"])
    page = c.get(f"/projects/{project.id}/plan/").text
    n = len(catalog.for_form("partenariat"))
    assert f"Démarrer le plan ({n} sections du modèle « Partenariat »)" in page
    assert c.post(f"/projects/{project.id}/plan/start").status_code == 302
    assert count(db.select(PlanSection).filter_by(project_id=project.id)) == n
    c.post(f"/projects/{project.id}/plan/start")  # twice: nothing more
    assert count(db.select(PlanSection).filter_by(project_id=project.id)) == n
    funder_page = login_as(people["funder"]).get(f"/projects/{project.id}/plan/").text
    assert "Les directions partenaires le démarreront." not in funder_page


def test_the_plan_page_shows_the_live_text_safely(plan, login_as):
    project, people, sections = plan
    alice = Editor()
    crdt.apply_update(sections[0].id, None, alice.type(0, "<b>pas du HTML</b> mais ", None))
    crdt.apply_update(sections[0].id, None, alice.type(alice.end, "gras", {"bold": True}))
    db.session.commit()
    html = login_as(people["funder"]).get(f"/projects/{project.id}/plan/").text
    assert "&lt;b&gt;pas du HTML&lt;/b&gt; mais <strong>gras</strong>" in html


def test_add_a_section_and_refuse_a_bad_form(plan, login_as):
    project, people, sections = plan
    c = login_as(people["director"])
    r = c.post(f"/projects/{project.id}/plan/sections/new", data={"title": "  ", "hint": "x" * 600})
    assert r.status_code == 400
    assert "Ce champ est obligatoire." in r.text and "500 caractères au plus." in r.text
    r = c.post(
        f"/projects/{project.id}/plan/sections/new", data={"title": "Annexes", "hint": "Pièces."}
    )
    assert r.status_code == 302
    added = db.session.scalar(db.select(PlanSection).filter_by(title="Annexes"))
    assert added.position == len(sections) + 1 and added.hint == "Pièces."


def test_a_stale_rename_gets_a_conflict(plan, login_as):
    project, people, sections = plan
    s = sections[0]
    url = f"/projects/{project.id}/plan/sections/{s.id}/edit"
    c = login_as(people["director"])
    assert c.post(url, data={"title": "Contexte", "hint": "", "version": "1"}).status_code == 302
    r = c.post(url, data={"title": "Autre titre", "hint": "", "version": "1"})
    assert r.status_code == 409 and "Contexte" in r.text
    db.session.expire_all()
    assert db.session.get(PlanSection, s.id).title == "Contexte"
    assert db.session.get(PlanSection, s.id).title_en == ""  # the template's English is gone


def test_move_up_and_down_keeps_a_dense_order(plan, login_as):
    project, people, sections = plan
    c = login_as(people["director"])
    base = f"/projects/{project.id}/plan/sections"
    c.post(f"{base}/{sections[0].id}/move", data={"direction": "down"})
    c.post(f"{base}/{sections[0].id}/move", data={"direction": "up"})  # back first
    c.post(f"{base}/{sections[0].id}/move", data={"direction": "up"})  # already first: nothing
    c.post(f"{base}/{sections[-1].id}/move", data={"direction": "up"})
    assert (
        c.post(f"{base}/{sections[0].id}/move", data={"direction": "sideways"}).status_code == 400
    )
    order = db.session.scalars(
        db.select(PlanSection.id).filter_by(project_id=project.id).order_by(PlanSection.position)
    ).all()
    expected = [s.id for s in sections]
    expected[-1], expected[-2] = expected[-2], expected[-1]
    assert order == expected
    positions = db.session.scalars(
        db.select(PlanSection.position).filter_by(project_id=project.id)
    ).all()
    assert sorted(positions) == list(range(1, len(sections) + 1))


def test_a_section_with_text_cannot_be_deleted(plan, login_as):
    project, people, sections = plan
    crdt.apply_update(sections[0].id, None, Editor().type(0, "Du texte"))
    db.session.commit()
    c = login_as(people["director"])
    r = c.post(f"/projects/{project.id}/plan/sections/{sections[0].id}/delete")
    assert r.status_code == 409 and "videz-la" in r.text
    assert db.session.get(PlanSection, sections[0].id) is not None
    assert (
        c.post(f"/projects/{project.id}/plan/sections/{sections[1].id}/delete").status_code == 302
    )
    assert db.session.get(PlanSection, sections[1].id) is None


def test_review_workflow_and_stale_actions(plan, login_as):
    project, people, sections = plan
    s = sections[0]
    url = f"/projects/{project.id}/plan/sections/{s.id}/status"
    director, adviser = login_as(people["director"]), login_as(people["adviser"])
    assert adviser.post(url, data={"action": "validate"}).status_code == 409  # still a draft
    assert director.post(url, data={"action": "request_review"}).status_code == 302
    assert director.post(url, data={"action": "validate"}).status_code == 403  # the Pôle's
    assert adviser.post(url, data={"action": "validate", "next": "section"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanSection, s.id).status == "validated"
    page = director.get(f"/projects/{project.id}/plan/sections/{s.id}").text
    assert 'data-may-write="false"' in page and "Rouvrir pour modifier" in page
    assert director.post(url, data={"action": "reopen"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanSection, s.id).status == "draft"
    verbs = db.session.scalars(
        db.select(Activity.verb).where(Activity.verb.like("plan:%")).order_by(Activity.id)
    ).all()
    assert verbs[-3:] == ["plan:review_requested", "plan:validated", "plan:reopened"]


def test_an_archived_project_plan_is_read_only(plan, login_as):
    project, people, sections = plan
    project.archived = True
    db.session.commit()
    c = login_as(people["director"])
    page = c.get(f"/projects/{project.id}/plan/sections/{sections[0].id}").text
    assert 'data-may-write="false"' in page
    assert (
        c.post(f"/projects/{project.id}/plan/sections/new", data={"title": "x"}).status_code == 403
    )


def test_the_outline_fragment_is_live(plan, login_as):
    project, people, _sections = plan
    html = login_as(people["evaluator"]).get(f"/projects/{project.id}/plan/").text
    assert 'data-live="plan"' in html and f"/projects/{project.id}/plan/outline" in html


def test_nav_has_the_plan_tab(plan, login_as):
    project, people, _sections = plan
    html = login_as(people["funder"]).get(f"/projects/{project.id}/plan/").text
    assert "Plan de projet" in html


def test_start_plan_uses_the_projects_english_template_titles(plan):
    _project, _people, sections = plan
    assert sections[0].shown_title("en") == "Context and needs"
    assert sections[0].shown_title("fr") == "Contexte et besoins"


def test_start_plan_on_an_unknown_form_gets_the_common_sections():
    project, people = project_with_roles(form="other")
    made = start_plan(project, people)
    assert [s.title for s in made] == [t.title for t in catalog.for_form("other")]


def test_section_url_is_the_sections_route(plan, app):
    from flask import url_for

    from plugins.plan.operations import section_url

    _project, _people, sections = plan
    with app.test_request_context():
        s = sections[3]
        assert section_url(s) == url_for("plan.section", project_id=s.project_id, section_id=s.id)


def test_the_plan_page_costs_the_same_queries_for_more_sections(plan, login_as):
    """No query per section: 11 sections (or 31) with text, stored and edited by someone."""
    from sqlalchemy import event

    from plugins.plan import operations as ops

    project, people, sections = plan
    for s in sections:
        crdt.apply_update(s.id, people["director"].id, Editor().type(0, f"Texte {s.id}"))
        crdt.compact(s.id, people["director"].id)
    db.session.commit()
    c = login_as(people["director"])

    def count() -> int:
        seen = []

        def before(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            assert c.get(f"/projects/{project.id}/plan/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
        return len(seen)

    few = count()
    for n in range(20):
        s = ops.add_section(project, people["director"], f"Annexe {n}")
        crdt.apply_update(s.id, people["coordinator"].id, Editor().type(0, "Annexe"))
        crdt.compact(s.id, people["coordinator"].id)
    db.session.commit()
    assert count() == few


def test_a_review_request_notifies_the_adviser_and_a_decision_the_directors(plan, login_as):
    from workspace.notifications.center import Notification

    project, people, sections = plan
    url = f"/projects/{project.id}/plan/sections/{sections[0].id}/status"
    login_as(people["director"]).post(url, data={"action": "request_review"})
    (asked,) = db.session.scalars(db.select(Notification)).all()
    assert asked.user_id == people["adviser"].id and asked.kind == "plan_review"
    assert asked.url == f"/projects/{project.id}/plan/sections/{sections[0].id}"
    login_as(people["adviser"]).post(url, data={"action": "validate"})
    told = db.session.scalars(db.select(Notification).filter_by(kind="plan_decided")).all()
    assert sorted(n.user_id for n in told) == sorted(
        [people["director"].id, people["coordinator"].id]
    )


def test_the_outline_fragment_stays_live_after_a_swap(plan, login_as):
    """The fragment carries its own live wrapper: swapped outerHTML, it is still refreshed."""
    project, people, _sections = plan
    fragment = login_as(people["evaluator"]).get(f"/projects/{project.id}/plan/outline").text
    assert fragment.lstrip().startswith('<div id="plan-outline"')
    assert 'data-live="plan"' in fragment and 'hx-trigger="live"' in fragment
