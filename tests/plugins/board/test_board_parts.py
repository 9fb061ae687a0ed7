"""The board rendered in pieces (plugins/board/body.py): after a change of one task only its
columns are rendered again; after anything else, everything; and each piece is renewed by the
right revisions (workspace/cache/revisions.py)."""

from __future__ import annotations

import pytest

from plugins.board import cards, setup
from plugins.board import operations as ops
from plugins.board.models import Task
from plugins.comments import operations as comments
from tests.factories import project_with_roles
from tests.plugins.board.test_board_fragment import fresh, page, without_tokens
from workspace.cache import fragments, revisions
from workspace.extensions import db


def renders(client, project) -> tuple[int, int, str]:
    """(fragments rendered, cards rendered, HTML) of one view of the board."""
    misses, card_misses = fragments.cache.misses, cards.cache.misses
    html = page(client, project)
    return fragments.cache.misses - misses, cards.cache.misses - card_misses, html


def seen_twice(client, project) -> None:
    page(client, project)
    assert renders(client, project)[:2] == (0, 0)


def test_a_move_renders_its_two_columns_again_and_one_card(board, login_as, app):
    project, people, columns, tasks = board
    cards.cache.clear()  # the cards of an earlier test's board may have the same keys
    client = login_as(people["adviser"])
    seen_twice(client, project)
    ops.move_task(tasks[0], people["director"], columns[2], 0)
    db.session.commit()
    again, cards_again, html = renders(client, project)
    assert (again, cards_again) == (2, 1)  # « À faire » and « En revue »; the moved card
    assert without_tokens(html) == without_tokens(fresh(app, client, project))


@pytest.mark.parametrize("change", ["edit", "comment", "sub-item"])
def test_a_change_of_one_task_renders_its_column_again(board, login_as, app, change):
    project, people, _columns, tasks = board
    cards.cache.clear()
    client = login_as(people["director"])
    seen_twice(client, project)
    if change == "edit":
        ops.update_task(tasks[3], people["director"], title="Retitrée")
    elif change == "comment":
        comments.post_comment(project, people["adviser"], "task", tasks[3].id, "Vu.")
    else:
        ops.add_subitem(tasks[3], people["director"], "Relire")
    db.session.commit()
    again, cards_again, html = renders(client, project)
    assert (again, cards_again) == (1, 1)
    assert without_tokens(html) == without_tokens(fresh(app, client, project))


@pytest.mark.parametrize("change", ["label", "column", "project thread"])
def test_anything_else_renders_the_frame_and_every_column_again(board, login_as, change):
    project, people, columns, _tasks = board
    client = login_as(people["director"])
    seen_twice(client, project)
    if change == "label":
        setup.add_label(project, people["coordinator"], "Juridique", "#7a4f9a")
    elif change == "column":
        setup.update_column(columns[3], people["coordinator"], "Fini", None, True)
    else:
        comments.post_comment(project, people["adviser"], "project", project.id, "Bonjour")
    db.session.commit()
    assert renders(client, project)[0] == 1 + len(columns)


def test_the_live_refresh_of_a_column_is_the_page_s_own_fragment(board, login_as):
    project, people, columns, tasks = board
    client = login_as(people["funder"])
    html = page(client, project)
    misses = fragments.cache.misses
    column = client.get(f"/projects/{project.id}/board/columns/{columns[0].id}").text
    assert fragments.cache.misses == misses
    assert column in html and f'id="t{tasks[0].id}"' in column


def pending_parts(project) -> set[str]:
    db.session.flush()
    prefix = revisions.part_scope(project.id, "")
    scopes = db.session.info.get(revisions.PENDING, set())
    assert revisions.project_scope(project.id) in scopes
    return {s.removeprefix(prefix) for s in scopes if s.startswith(prefix)}


def test_each_change_renews_the_parts_it_shows_in(board):
    project, people, columns, tasks = board
    director = people["director"]
    c0, c1, c2 = (f"column:{c.id}" for c in columns[:3])
    ops.move_task(tasks[0], director, columns[2], 0)
    assert pending_parts(project) == {c0, c2}
    db.session.commit()
    ops.move_task(tasks[4], director, columns[1], 0)  # within its column
    assert pending_parts(project) == {c1}
    db.session.commit()
    ops.update_task(tasks[1], director, title="Autre titre", labels=[])
    assert pending_parts(project) == {c0}
    db.session.commit()
    comments.post_comment(project, director, "task", tasks[0].id, "Bien reçu")
    assert pending_parts(project) == {c2}
    db.session.commit()
    ops.archive_task(tasks[3], director)
    assert pending_parts(project) == {c1}
    db.session.commit()
    setup.add_label(project, people["coordinator"], "Urgent", "#aa0000")
    assert pending_parts(project) == {revisions.OTHER}


def test_moving_the_last_card_out_renews_the_column_it_left(board, login_as, app):
    project, people, columns, tasks = board
    ops.move_task(tasks[4], people["director"], columns[2], 0)
    db.session.commit()
    client = login_as(people["director"])
    seen_twice(client, project)
    ops.move_task(tasks[3], people["director"], columns[2], 0)
    assert pending_parts(project) == {f"column:{columns[1].id}", f"column:{columns[2].id}"}
    db.session.commit()
    html = page(client, project)
    assert f'id="t{tasks[3].id}"' in html
    assert without_tokens(html) == without_tokens(fresh(app, client, project))


def test_the_empty_board_note_follows_the_first_and_last_task(login_as, app):
    project, people = project_with_roles()
    client = login_as(people["director"])
    assert "Le tableau est vide" in page(client, project)
    column = setup.ensure_columns(project)[1]
    task = ops.create_task(project, people["director"], column, title="La première")
    db.session.commit()
    html = page(client, project)
    assert "Le tableau est vide" not in html and "La première" in html
    assert without_tokens(html) == without_tokens(fresh(app, client, project))
    ops.archive_task(db.session.get(Task, task.id), people["director"])
    db.session.commit()
    assert "Le tableau est vide" in page(client, project)


def test_after_a_move_the_page_reads_only_the_two_columns(board, login_as):
    """Statements of the page after a move: those of the page served from the cache, plus
    the two columns' (their columns, their cards, assignees and labels, counts, comment
    counts and sub-items: 7 whatever the number of cards)."""
    from tests.plugins.board.test_board_page import _count_queries

    project, people, columns, tasks = board
    client = login_as(people["director"])
    url = f"/projects/{project.id}/board/"
    page(client, project)
    cached, _html = _count_queries(client, url)
    ops.move_task(tasks[0], people["director"], columns[1], 0)
    db.session.commit()
    after, html = _count_queries(client, url)
    assert after - cached <= 7, (cached, after)
    assert html.count("<article") == len(tasks)


def test_a_column_deleted_while_the_page_is_read_leaves_its_place_empty(
    board, login_as, monkeypatch
):
    """The frame names the columns of its revision; one deleted by a commit that lands after
    this request read the revisions is not found when its cards are read: no error."""
    from plugins.board import body

    project, people, columns, tasks = board
    client = login_as(people["director"])
    page(client, project)
    ops.update_task(tasks[3], people["director"], title="Renommée")  # « En cours » to render
    db.session.commit()
    shown = body._columns
    monkeypatch.setattr(body, "_columns", lambda p: [c for c in shown(p) if c != columns[1]])
    html = page(client, project)
    assert f'id="t{tasks[3].id}"' not in html and f'id="t{tasks[0].id}"' in html
    column = f"/projects/{project.id}/board/columns/{columns[1].id}"
    assert client.get(column).status_code == 404
