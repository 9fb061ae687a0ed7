"""The card HTML cache (plugins/board/cards.py): reused when nothing changed, never stale."""

from __future__ import annotations

import re

import pytest

from plugins.board import cards
from plugins.board import operations as ops
from plugins.board.setup import add_label
from tests.html import without_csrf_tokens
from tests.plugins.board.conftest import YESTERDAY
from workspace.extensions import db


@pytest.fixture(autouse=True)
def empty_cache(app, monkeypatch):
    # The cards under test are the inner layer: the fragment cache around the whole board
    # (tests/plugins/board/test_board_fragment.py) would serve the page without asking them.
    monkeypatch.setitem(app.config, "FRAGMENT_CACHE_MB", "0")
    cards.cache.clear()
    yield
    cards.cache.clear()


def card_html(html: str, task_id: int) -> str:
    match = re.search(rf'<article class="tc[^"]*" id="t{task_id}".*?</article>', html, re.S)
    assert match, f"card t{task_id} not on the page"
    return match.group(0)


def board_page(client, project) -> str:
    r = client.get(f"/projects/{project.id}/board/")
    assert r.status_code == 200
    return r.text


def test_a_second_view_reuses_every_card(board, login_as):
    project, people, _, tasks = board
    client = login_as(people["director"])
    first = board_page(client, project)
    assert cards.cache.misses == len(tasks) and cards.cache.hits == 0
    second = board_page(client, project)
    assert cards.cache.hits == len(tasks)
    assert without_csrf_tokens(first) == without_csrf_tokens(second)


def test_a_changed_task_is_rendered_again(board, login_as):
    project, people, _columns, tasks = board
    client = login_as(people["director"])
    board_page(client, project)
    ops.update_task(tasks[0], people["director"], title="Titre changé")
    db.session.commit()
    html = board_page(client, project)
    assert "Titre changé" in card_html(html, tasks[0].id)


@pytest.mark.parametrize("change", ["label", "organisation", "assignee"])
def test_a_renamed_label_organisation_or_person_shows_at_once(board, login_as, change):
    project, people, _, tasks = board
    director = people["director"]
    label = add_label(project, director, "Budget", "#335577")
    ops.update_task(
        tasks[0],
        director,
        labels=[label],
        assignees=[director],
        organisation_id=director.organisation_id,
    )
    db.session.commit()
    client = login_as(director)
    board_page(client, project)
    target = {"label": label, "organisation": director.organisation, "assignee": director}[change]
    target.name = "Zéphyr Nouveau"
    db.session.commit()
    card = card_html(board_page(client, project), tasks[0].id)
    if change == "assignee":
        assert 'title="Zéphyr Nouveau">ZN<' in card
    else:
        assert "Zéphyr Nouveau" in card


def test_late_comments_and_permissions_are_part_of_the_key(board, login_as):
    project, people, _, tasks = board
    ops.update_task(tasks[0], people["director"], due_date=YESTERDAY)
    db.session.commit()
    director = login_as(people["director"])
    card = card_html(board_page(director, project), tasks[0].id)
    assert "late" in card and "data-move" in card
    funder_card = card_html(board_page(login_as(people["funder"]), project), tasks[0].id)
    assert "data-move" not in funder_card  # not the director's cached card


def test_the_locale_is_part_of_the_key(board, login_as):
    project, people, _, tasks = board
    ops.update_task(tasks[0], people["director"], due_date=YESTERDAY)
    people["funder"].locale = "en"  # the first request of the test: flask-babel caches it in g
    db.session.commit()
    english = card_html(board_page(login_as(people["funder"]), project), tasks[0].id)
    assert "late" in english and "en retard" not in english
    key_locales = {key[0][0] for key in cards.cache._items}
    assert key_locales == {"en"}


def test_the_cache_is_bounded_and_can_be_turned_off(board, login_as, app, monkeypatch):
    project, people, _, _tasks = board
    client = login_as(people["director"])
    monkeypatch.setitem(app.config, "BOARD_CARD_CACHE", "2")
    board_page(client, project)
    assert len(cards.cache) == 2
    monkeypatch.setitem(app.config, "BOARD_CARD_CACHE", "0")
    cards.cache.clear()
    board_page(client, project)
    assert len(cards.cache) == 0 and cards.cache.hits == 0


def test_a_move_renders_only_the_moved_card_again(board, login_as):
    """Moving a card to the top shifts the cards below it: their HTML is reused with their
    new ``data-pos``, only the moved card (another column) is rendered again."""
    project, people, columns, tasks = board
    client = login_as(people["director"])
    board_page(client, project)
    misses = cards.cache.misses
    ops.move_task(tasks[3], people["director"], columns[0], 0)  # from « En cours » to the top
    db.session.commit()
    html = board_page(client, project)
    assert cards.cache.misses == misses + 1
    expected = {tasks[3].id: 0, tasks[0].id: 1, tasks[1].id: 2, tasks[2].id: 3, tasks[4].id: 0}
    for task_id, position in expected.items():
        assert f'id="t{task_id}" data-pos="{position}"' in card_html(html, task_id)
    assert "@position@" not in html
