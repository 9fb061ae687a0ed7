"""Stage advance, overdue flags, the « à valider » list, hooks, forms and realtime notices."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from plugins.milestones import agreement_recorded, milestone_choices
from plugins.milestones.models import Milestone
from tests.factories import create_project
from workspace.extensions import db
from workspace.models import Activity, Project, count

from .conftest import make_milestone


def test_validating_the_milestone_closing_a_stage_moves_the_project(roles_project, login_as):
    project, people = roles_project  # stage: accompagnement
    m = make_milestone(project, people, "submitted", closes_stage="accompagnement")
    r = login_as(people["adviser"]).post(f"/projects/{project.id}/milestones/{m.id}/validate")
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).stage == "concretisation"
    verbs = db.session.scalars(db.select(Activity.verb).filter_by(project_id=project.id)).all()
    assert "project:stage" in verbs and "milestone:validated" in verbs


def test_a_milestone_closing_an_earlier_stage_does_not_move_back(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "submitted", closes_stage="emergence")
    login_as(people["adviser"]).post(f"/projects/{project.id}/milestones/{m.id}/validate")
    db.session.expire_all()
    assert db.session.get(Project, project.id).stage == "accompagnement"


def test_overdue_milestones_are_flagged_with_text(roles_project, login_as):
    project, people = roles_project
    late = make_milestone(
        project, people, "planned", title="En retard", planned_date=date.today() - timedelta(days=3)
    )
    make_milestone(
        project, people, "validated", title="Fait", planned_date=date.today() - timedelta(days=3)
    )
    assert late.is_overdue()
    html = login_as(people["funder"]).get(f"/projects/{project.id}/milestones/").text
    assert html.count('class="ms-overdue"') == 1
    assert "En retard" in html


def test_pending_list_across_the_advisers_projects(roles_project, login_as):
    project, people = roles_project
    make_milestone(project, people, "submitted", title="À valider A")
    make_milestone(project, people, "planned", title="Pas encore")
    other = create_project(
        {people["director"]: "director", people["adviser"]: "adviser"}, name="Autre"
    )
    make_milestone(other, people, "submitted", title="À valider B")
    elsewhere = create_project({people["director"]: "director"}, name="Sans lui")
    make_milestone(elsewhere, people, "submitted", title="Pas à lui")
    client = login_as(people["adviser"])
    html = client.get("/my/validations").text
    assert "À valider A" in html and "À valider B" in html
    assert "Pas encore" not in html and "Pas à lui" not in html
    home = client.get("/").text
    assert "2 jalons à valider" in home
    assert "jalons à valider" not in login_as(people["director"]).get("/").text
    assert login_as(None).get("/my/validations").status_code == 302


def test_hooks_choices_and_agreement(roles_project):
    project, people = roles_project
    m = make_milestone(project, people, "submitted", title="Accord", is_agreement=True)
    assert milestone_choices(project) == [(m.id, "Accord")]
    assert agreement_recorded(project) is False
    from flask import current_app

    from plugins.milestones import operations as ops

    with current_app.test_request_context():
        ops.validate(m, people["adviser"])
        db.session.commit()
    assert agreement_recorded(project) is True


@pytest.mark.parametrize(
    "data,message",
    [
        ({"title": ""}, "obligatoire"),
        ({"title": "   "}, "obligatoire"),
        ({"title": "x" * 201}, "200 caractères au plus"),
        ({"title": "ok", "description": "x" * 5001}, "5000 caractères au plus"),
        ({"title": "ok", "area": "inconnu"}, "choix valide"),
        ({"title": "ok", "closes_stage": "fin"}, "choix valide"),
        ({"title": "ok", "planned_date": "32/13/2026"}, "date"),
    ],
)
def test_create_form_bad_input(roles_project, login_as, data, message):
    project, people = roles_project
    r = login_as(people["director"]).post(f"/projects/{project.id}/milestones/new", data=data)
    assert r.status_code == 400
    assert message in r.text.replace("&#39;", "'")
    assert count(db.select(Milestone)) == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.org/a", "example.org", "x" * 501])
def test_link_evidence_bad_url(roles_project, login_as, url):
    project, people = roles_project
    m = make_milestone(project, people, "planned")
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/milestones/{m.id}/evidence", data={"kind": "link", "url": url}
    )
    assert r.status_code == 400
    db.session.expire_all()
    assert len(db.session.get(Milestone, m.id).evidence) == 1


def test_stale_edit_is_a_conflict(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "planned")
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/milestones/{m.id}/edit", data={"title": "Nouveau", "version": "0"}
    )
    assert r.status_code == 409
    db.session.expire_all()
    assert db.session.get(Milestone, m.id).title == "Projet de convention constitutive"


def test_submission_and_decision_notices_reach_other_clients(roles_project, login_as, socket_for):
    project, people = roles_project
    m = make_milestone(project, people, "planned")
    watcher = socket_for(people["funder"], project)
    login_as(people["director"]).post(
        f"/projects/{project.id}/milestones/{m.id}/submit", data={"message": "Prêt"}
    )
    login_as(people["adviser"]).post(f"/projects/{project.id}/milestones/{m.id}/validate")
    notices = [e["args"][0] for e in watcher.get_received() if e["name"] == "notice"]
    types = [n["type"] for n in notices]
    assert types == ["milestone:submitted", "milestone:validated"]
    for n in notices:
        assert f"milestone:{m.id}" in n["keys"]
        assert n["url"] == f"/projects/{project.id}/milestones/{m.id}"


def test_no_notice_after_a_refused_action(roles_project, login_as, socket_for, emitted):
    project, people = roles_project
    m = make_milestone(project, people, "planned")
    watcher = socket_for(people["adviser"], project)
    seen = len(emitted)
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/milestones/{m.id}/submit", data={"message": ""}
    )
    assert r.status_code == 400
    assert [e for e in watcher.get_received() if e["name"] == "notice"] == []
    assert emitted[seen:] == []


def test_panel_fragment_for_htmx(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "submitted")
    r = login_as(people["adviser"]).post(
        f"/projects/{project.id}/milestones/{m.id}/validate", headers={"HX-Request": "true"}
    )
    assert r.status_code == 200
    assert 'id="milestone-panel"' in r.text and 'data-status="validated"' in r.text
    assert "<html" not in r.text
    assert "coop:toast" in r.headers.get("HX-Trigger", "")
