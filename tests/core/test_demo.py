"""The demo tells a story over months: its decisions are dated across the project's history,
in the order of its activity log, not all at the minute the demo was loaded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app

from plugins.comments.models import Comment
from plugins.indicators.models import Review
from workspace.extensions import db
from workspace.models import Activity, Project, User
from workspace.projects.demo import PROJECT_NAME, load_demo


def _load():
    with current_app.test_request_context():
        load_demo()
    return db.session.scalar(db.select(Project).filter_by(name=PROJECT_NAME))


def test_decisions_are_spread_over_the_history():
    project = _load()
    start = datetime.combine(project.start_date, datetime.min.time(), UTC)
    now = datetime.now(UTC)
    reviews = db.session.scalars(
        db.select(Review).filter_by(project_id=project.id).order_by(Review.id)
    ).all()
    days = {r.created_at.date() for r in reviews}
    assert len(days) >= 5, days  # not all today
    assert all(start <= r.created_at <= now for r in reviews)
    assert [r.created_at for r in reviews] == sorted(r.created_at for r in reviews)
    comments = db.session.scalars(db.select(Comment)).all()
    assert all(start <= c.created_at <= now - timedelta(minutes=30) for c in comments)
    # a task is created between the log entry before and the one that tells it
    first = db.session.scalar(
        db.select(Activity).filter_by(verb="task:created").order_by(Activity.id)
    )
    from plugins.board.models import Task

    task = db.session.get(Task, first.object_id)
    before = db.session.scalar(
        db.select(Activity).where(Activity.id < first.id).order_by(Activity.id.desc())
    )
    assert before.created_at <= task.created_at <= first.created_at


def test_two_smaller_projects_give_the_portfolio_a_meaning(login_as):
    _load()
    projects = {p.name: p for p in db.session.scalars(db.select(Project))}
    assert len(projects) == 3
    stages = {p.stage for p in projects.values()}
    assert stages == {"concretisation", "emergence", "evaluation"}
    julien = db.session.scalar(db.select(User).filter_by(email="julien.faure@demo.coopilote.fr"))
    page = login_as(julien).get("/portfolio").text
    for name in projects:
        assert name.replace("'", "&#39;") in page
    assert "1 jalon à reprendre" in page and "1 indicateur en retard" in page
    # every smaller project has tasks, milestones and its own directors
    for p in projects.values():
        assert any(m.role == "director" and m.coordinator for m in p.memberships)


def test_loading_twice_changes_nothing_more():
    _load()
    before = db.session.scalar(db.select(db.func.max(Review.created_at)))
    _load()
    assert db.session.scalar(db.select(db.func.max(Review.created_at))) == before


def test_every_demo_organisation_has_a_valid_siret(login_as):
    """The bilan names the beneficiary with its SIRET: the demo's shows one."""
    from plugins.comments.models import CommentFile
    from workspace.admin.forms import siret_ok
    from workspace.models import Organisation

    _load()
    orgs = list(db.session.scalars(db.select(Organisation)))
    assert len(orgs) >= 10 and all(o.siret and siret_ok(o.siret) for o in orgs), orgs
    assert len({o.siret for o in orgs}) == len(orgs)
    # and a message of the demo carries a document (the thread's « Pièces jointes »)
    assert db.session.scalar(db.select(db.func.count(CommentFile.id))) == 1


def test_two_requests_wait_in_the_pole_s_inbox_once(login_as):
    from workspace.intake.models import IntakeRequest

    _load()
    _load()
    requests = db.session.scalars(db.select(IntakeRequest)).all()
    assert sorted(r.organisation for r in requests) == ["CCAS de Sorgues", "EHPAD Les Lavandes"]
    assert {r.status for r in requests} == {"new"} and {r.need for r in requests} == {
        "information",
        "project",
    }
    julien = db.session.scalar(db.select(User).filter_by(email="julien.faure@demo.coopilote.fr"))
    page = login_as(julien).get("/pole/demandes?status=new").text
    assert "CCAS de Sorgues" in page and "EHPAD Les Lavandes" in page


def test_an_open_call_with_two_applications(login_as):
    from plugins.funding.applications import FundingApplication
    from plugins.funding.calls import FundingCall

    _load()
    call = db.session.scalar(db.select(FundingCall))
    applications = db.session.scalars(
        db.select(FundingApplication).order_by(FundingApplication.id)
    ).all()
    assert [a.status for a in applications] == ["submitted", "refused"]
    assert all(a.call_id == call.id and a.line.documents for a in applications)
    pierre = db.session.scalar(db.select(User).filter_by(email="pierre.garnier@demo.coopilote.fr"))
    page = login_as(pierre).get(f"/appels/{call.id}/comparaison")
    assert page.status_code == 200 and "non noté" in page.text  # one criterion left to score
