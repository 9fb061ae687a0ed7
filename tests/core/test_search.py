"""The search across the projects one can see: what it finds, what it never shows."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import event

from plugins.board import operations as board_ops
from plugins.board.setup import ensure_columns
from plugins.checklists import operations as checklist_ops
from plugins.checklists import queries
from plugins.milestones import operations as milestone_ops
from tests.factories import create_indicator, create_project, create_user
from workspace.extensions import db


@pytest.fixture
def world():
    claire = create_user("Claire Martin")
    outsider = create_user("Olivier Autre")
    mine = create_project({claire: "director"}, name="GCSMS Luberon", coordinators=[claire])
    other = create_project({outsider: "director"}, name="Fusion Ventoux")
    with current_app.test_request_context():
        for project, who in ((mine, claire), (other, outsider)):
            column = ensure_columns(project)[0]
            board_ops.create_task(
                project, who, column, title="Astreinte de nuit", description="Planning à 100 %"
            )
            milestone_ops.create_milestone(
                project, who, title="Convention constitutive", description="Astreinte commune"
            )
            create_indicator(project, who, name="Taux d'astreinte couverte")
        archived = board_ops.create_task(
            mine, claire, ensure_columns(mine)[0], title="Astreinte archivée"
        )
        board_ops.archive_task(archived, claire)
        checklist_ops.apply_template(mine, claire, "gcsms")
        db.session.commit()
    return claire, mine, other


def _hits(client, q):
    html = client.get("/search", query_string={"q": q}).text
    return html


def test_finds_every_kind_in_my_projects_only(world, login_as):
    claire, mine, other = world
    html = _hits(login_as(claire), "astreinte")
    assert "Astreinte de nuit" in html  # a task
    assert "Convention constitutive" in html and "Astreinte commune" in html  # by description
    assert "Taux d&#39;astreinte couverte" in html  # an indicator
    assert f'href="/projects/{mine.id}/board/?task=' in html
    assert "Fusion Ventoux" not in html and f"/projects/{other.id}/" not in html
    assert "Astreinte archivée" not in html
    shown = int(re.search(r'role="status">(\d+) résultats', html).group(1))
    assert shown == html.count("<li>") >= 3  # the count says what the list shows


def test_every_word_must_match_and_wildcards_are_plain(world, login_as):
    claire, _mine, _other = world
    client = login_as(claire)
    assert "Astreinte de nuit" in _hits(client, "nuit astreinte")
    assert "Astreinte de nuit" not in _hits(client, "nuit convention")
    assert "Astreinte de nuit" in _hits(client, "100 %")
    assert "Aucun résultat" in _hits(client, "%%")
    assert "Aucun résultat" in _hits(client, "a_t")


def test_projects_and_checklist_items_are_found(world, login_as):
    claire, mine, _other = world
    client = login_as(claire)
    html = _hits(client, "luberon")
    assert f'href="/projects/{mine.id}/"' in html and "Projet" in html
    item = queries.sections_of(mine.id)[0].items[0]
    assert f"/projects/{mine.id}/checklists/items/{item.id}" in _hits(client, item.label[:40])


def test_short_queries_and_the_top_bar(world, login_as):
    claire, _mine, _other = world
    client = login_as(claire)
    assert "Tapez au moins 2 caractères." in _hits(client, "a")
    home = client.get("/").text
    assert 'role="search"' in home and 'action="/search"' in home
    assert login_as(None).get("/search?q=astreinte").status_code == 302


def test_a_bounded_number_of_queries(world, login_as, app):
    claire, mine, _other = world
    client = login_as(claire)
    client.get("/search?q=astreinte")  # warm: session, caches
    statements = []

    def count(*_args, **_kw):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/search?q=astreinte").status_code == 200
        first = len(statements)
        statements.clear()
        with app.test_request_context():
            column = ensure_columns(mine)[0]
            for i in range(15):
                board_ops.create_task(mine, claire, column, title=f"Astreinte {i}")
            db.session.commit()
        statements.clear()
        assert client.get("/search?q=astreinte").status_code == 200
        assert len(statements) == first  # more hits, no more queries
        statements.clear()
        with app.test_request_context():
            for i in range(5):  # more projects: no query per project
                create_project({claire: "director"}, name=f"Astreinte {i}")
        statements.clear()
        assert client.get("/search?q=astreinte").status_code == 200
        assert len(statements) == first
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
