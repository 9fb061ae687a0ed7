"""« Ce qui vous attend » on the home page: each role is told what is its turn, across its
open projects, with one query per kind whatever the number of projects; the entry points of
each role's work; the portfolio's alerts count the milestones to validate."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import event

from plugins.board import operations as board_ops
from plugins.board.setup import ensure_columns
from plugins.indicators import operations as indicator_ops
from plugins.milestones.models import Milestone
from plugins.plan import operations as plan_ops
from tests.factories import project_with_roles
from tests.plugins.indicators.conftest import make_indicator, make_measurement
from workspace.extensions import db


def _lines(client) -> list[str]:
    """The lines of « Ce qui vous attend », their text and project, whitespace collapsed."""
    html = client.get("/").text
    block = re.search(r'<section class="card awaiting".*?</section>', html, re.S)
    assert block, "no « Ce qui vous attend » block"
    items = re.findall(r'<li class="awaiting-item[^"]*">(.*?)</li>', block.group(0), re.S)
    return [unescape(" ".join(re.sub(r"<[^>]+>", " ", i).split())) for i in items]


@pytest.fixture
def busy(app):
    """A project where something awaits each role but the funder."""
    project, people = project_with_roles(name="Projet Alpha")
    with app.test_request_context():
        ind = make_indicator(project, people["director"])
        make_measurement(ind, people["director"], period="2026-T1")  # to review
        asked = make_measurement(ind, people["director"], period="2026-T2")
        review = indicator_ops.review(
            ind, people["evaluator"], "questioned", "D'où vient ce chiffre ?", asked
        )
        columns = ensure_columns(project)
        board_ops.create_task(
            project,
            people["director"],
            columns[0],
            title="Convention",
            assignees=[people["director"]],
            due_date=date.today() - timedelta(days=2),
        )
        for title, status in (("Diagnostic", "submitted"), ("Budget", "returned")):
            db.session.add(Milestone(project_id=project.id, title=title, status=status))
        sections = plan_ops.start_plan(project, people["coordinator"])
        sections[0].status = "review"
        db.session.commit()
    return project, people, review


def test_each_role_is_told_what_is_its_turn(app, busy, login_as):
    _project, people, review = busy
    assert _lines(login_as(people["evaluator"])) == ["1 mesure à examiner Projet Alpha"]
    assert _lines(login_as(people["director"])) == [
        "1 tâche ouverte vous est attribuée, dont 1 en retard",
        "1 jalon renvoyé à reprendre Projet Alpha",
        "1 question de l'évaluation attend une réponse Projet Alpha",
    ]
    assert _lines(login_as(people["adviser"])) == [
        "1 jalon à valider",
        "1 section du plan à relire Projet Alpha",
    ]
    assert _lines(login_as(people["funder"])) == []
    assert "Rien ne vous attend pour l'instant." in login_as(people["funder"]).get("/").text
    # The director answers: the question leaves her list and reaches the evaluator's.
    with app.test_request_context():
        indicator_ops.answer(review, people["director"], "Congés d'été.")
        db.session.commit()
    assert _lines(login_as(people["evaluator"])) == [
        "1 réponse à vos questions à examiner Projet Alpha",
        "1 mesure à examiner Projet Alpha",
    ]
    assert not any("question" in line for line in _lines(login_as(people["director"])))


def test_an_archived_project_asks_nothing(busy, login_as):
    project, people, _review = busy
    project.archived = True
    db.session.commit()
    assert "Rien ne vous attend" in login_as(people["director"]).get("/").text


def test_each_role_gets_the_entry_points_of_its_work(busy, login_as):
    _project, people, _review = busy

    def entries(who) -> str:
        html = login_as(people[who]).get("/").text
        return re.search(r'<nav class="home-entries".*?</nav>', html, re.S).group(0)

    director, adviser = entries("director"), entries("adviser")
    assert "Mes tâches" in director and "Jalons à valider" not in director
    assert "Jalons à valider" in adviser and "Mes tâches" not in adviser
    assert "Mes tâches" not in entries("evaluator")


def test_the_home_page_asks_the_same_queries_for_one_project_or_five(app, login_as):
    def statements(n_projects: int) -> int:
        _project, people = project_with_roles()
        for _ in range(n_projects - 1):
            other, _ = project_with_roles()
            for who in ("director", "adviser", "evaluator"):
                other.memberships.append(_membership(other, people[who], who))
        db.session.commit()
        client = login_as(people["director"])
        client.get("/")
        seen = []

        def count(_conn, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return seen

    one, five = statements(1), statements(5)
    assert len(five) == len(one), "\n\n".join(five)


def test_my_open_tasks_are_counted_once_per_page(busy, login_as):
    """« Mes tâches » and « Ce qui vous attend » show the same count: it is read once."""
    _project, people, _review = busy
    client = login_as(people["director"])
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if "board_task_assignee" in statement and "count(board_task.id)" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get("/").text
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "Mes tâches" in page and "Ce qui vous attend" in page
    assert len(seen) == 1, seen


def _membership(project, user, role):
    from workspace.models import Membership

    return Membership(project_id=project.id, user_id=user.id, role=role)


def test_the_portfolio_counts_the_milestones_to_validate(busy, login_as):
    _project, people, _review = busy
    page = login_as(people["adviser"]).get("/portfolio").text
    assert "1 jalon à valider" in page and "1 jalon à reprendre" in page
