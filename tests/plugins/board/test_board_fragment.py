"""The board's columns served from the fragment cache (workspace/cache/fragments.py): reused while
nothing changes, and after any kind of change exactly what a fresh render shows."""

from __future__ import annotations

import re
from datetime import timedelta

import flask_babel
import pytest

from plugins.board import operations as ops
from plugins.board import setup, trash, views
from plugins.board.positions import Order, lock_columns
from plugins.comments import operations as comments
from tests.factories import create_org, create_user
from tests.plugins.board.conftest import TODAY
from workspace import operations as core_ops
from workspace.cache import fragments
from workspace.extensions import db


def page(client, project, query="") -> str:
    r = client.get(f"/projects/{project.id}/board/{query}")
    assert r.status_code == 200
    return r.text


def without_tokens(html: str) -> str:
    """The page without its CSRF tokens (signed with the time: they differ from second to
    second), in the forms and in the htmx headers."""
    html = re.sub(r'(name="csrf_token" value|name="csrf-token" content)="[^"]*"', r"\1", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken"', html)


def fresh(app, client, project, query="") -> str:
    """The page rendered with the fragment cache off."""
    saved, app.config["FRAGMENT_CACHE_MB"] = app.config["FRAGMENT_CACHE_MB"], "0"
    try:
        return page(client, project, query)
    finally:
        app.config["FRAGMENT_CACHE_MB"] = saved


def test_a_second_view_is_served_from_the_cache(board, login_as):
    project, people, columns, _tasks = board
    client = login_as(people["director"])
    first = page(client, project)
    hits, misses = fragments.cache.hits, fragments.cache.misses
    assert without_tokens(page(client, project)) == without_tokens(first)
    assert fragments.cache.hits == hits + 1 + len(columns)  # the frame, then each column
    assert fragments.cache.misses == misses


def _rename_user(project, people, columns, tasks):
    ops.update_task(tasks[0], people["director"], assignees=[people["director"]])
    db.session.commit()
    yield
    people["director"].name = "Zoé Renommée"


def _recolour_org(project, people, columns, tasks):
    ops.update_task(
        tasks[0], people["director"], organisation_id=people["director"].organisation_id
    )
    db.session.commit()
    yield
    people["director"].organisation.color = "#0a0b0c"


def _rename_label(project, people, columns, tasks):
    label = setup.add_label(project, people["coordinator"], "Juridique", "#7a4f9a")
    ops.update_task(tasks[0], people["director"], labels=[label])
    db.session.commit()
    yield
    label.name = "Juridique et fiscal"


def _positions_only(project, people, columns, tasks):
    yield
    lock_columns(project.id)
    order = Order(columns[0].id)
    order.reverse()
    order.write()


def _comment(project, people, columns, tasks):
    yield
    comments.post_comment(project, people["adviser"], "task", tasks[1].id, "Un avis du Pôle")


def _undeleted(project, people, columns, tasks):
    ops.delete_task(tasks[4], people["director"])
    db.session.commit()
    yield
    trash.undelete_task(tasks[4], people["director"])


def _subitem_ticked(project, people, columns, tasks):
    item = ops.add_subitem(tasks[0], people["director"], "Relire")
    db.session.commit()
    yield
    ops.toggle_subitem(item, people["director"], True)


def _member_and_partner(project, people, columns, tasks):
    yield
    newcomer = create_user("Yves Nouveau", organisation=create_org("Nouvelle association"))
    core_ops.add_member(project, people["coordinator"], newcomer, "director")
    project.partners.append(newcomer.organisation)


CHANGES = {
    "task created": lambda p, pe, c, t: ops.create_task(p, pe["director"], c[1], title="Neuve"),
    "task moved": lambda p, pe, c, t: ops.move_task(t[0], pe["director"], c[2], 0),
    "task archived": lambda p, pe, c, t: ops.archive_task(t[1], pe["director"]),
    "task edited": lambda p, pe, c, t: ops.update_task(
        t[2], pe["director"], title="Titre revu", due_date=TODAY - timedelta(days=3)
    ),
    "sub-item added": lambda p, pe, c, t: ops.add_subitem(t[0], pe["director"], "Étape 1"),
    "column renamed": lambda p, pe, c, t: setup.update_column(
        c[0], pe["coordinator"], "À lancer", 2, False
    ),
    "column added": lambda p, pe, c, t: setup.add_column(p, pe["coordinator"], "Recette", None),
    "column deleted": lambda p, pe, c, t: setup.delete_column(c[3], pe["coordinator"]),
    "columns reordered": lambda p, pe, c, t: setup.shift_column(c[0], pe["coordinator"], 1),
    "task in the trash": lambda p, pe, c, t: ops.delete_task(t[3], pe["director"]),
}
GENERATORS = {
    "assignee renamed": _rename_user,
    "organisation recoloured": _recolour_org,
    "label renamed": _rename_label,
    "positions rewritten (Core UPDATE)": _positions_only,
    "comment posted": _comment,
    "member and partner added": _member_and_partner,
    "task out of the trash": _undeleted,
    "sub-item ticked": _subitem_ticked,
}


def _apply(name, project, people, columns, tasks):
    if name in CHANGES:
        CHANGES[name](project, people, columns, tasks)
        return
    steps = GENERATORS[name](project, people, columns, tasks)
    next(steps)  # the set-up, committed before the board is first seen
    return steps


@pytest.mark.parametrize("name", [*CHANGES, *GENERATORS])
@pytest.mark.parametrize("who", ["director", "funder"])
def test_after_any_change_the_cached_page_is_the_fresh_page(board, login_as, app, name, who):
    project, people, columns, tasks = board
    steps = None if name in CHANGES else _apply(name, project, people, columns, tasks)
    client = login_as(people[who])
    before = page(client, project)  # now cached
    if steps is None:
        _apply(name, project, people, columns, tasks)
    else:
        next(steps, None)
    db.session.commit()
    after = page(client, project)
    assert without_tokens(after) != without_tokens(before), "the change shows on the board"
    assert without_tokens(after) == without_tokens(fresh(app, client, project))
    assert without_tokens(page(client, project)) == without_tokens(after)  # and is reused


def test_rights_are_part_of_the_key(board, login_as):
    project, people, _columns, _tasks = board
    director_page = page(login_as(people["director"]), project)
    funder_page = page(login_as(people["funder"]), project)
    assert "quick-add" in director_page and 'id="move-dialog"' in director_page
    assert "quick-add" not in funder_page and 'id="move-dialog"' not in funder_page
    assert "Paramètres du tableau" in page(login_as(people["coordinator"]), project)
    assert "Paramètres du tableau" not in page(login_as(people["director"]), project)


def test_filters_and_the_locale_are_part_of_the_key(board, login_as):
    project, people, _columns, tasks = board
    ops.update_task(tasks[0], people["director"], title="Convention constitutive")
    db.session.commit()
    client = login_as(people["director"])
    assert page(client, project).count("<article") == 5
    assert page(client, project, "?q=convention").count("<article") == 1
    people["funder"].locale = "en"
    db.session.commit()
    flask_babel.refresh()  # tests share one `g` across requests: forget the French locale
    english = page(login_as(people["funder"]), project)
    assert "Search for a task" in english and "Rechercher une tâche" not in english


def test_a_new_day_makes_cards_late_without_any_change(board, login_as, monkeypatch):
    project, people, _columns, tasks = board
    ops.update_task(tasks[0], people["director"], due_date=TODAY)
    db.session.commit()
    client = login_as(people["director"])
    assert "due late" not in page(client, project)
    monkeypatch.setattr(views, "today", lambda: TODAY + timedelta(days=1))
    assert "due late" in page(client, project)


def test_each_viewer_gets_a_working_token_of_their_own(board, login_as, csrf_enabled):
    project, people, columns, _tasks = board
    tokens = []
    for who in ("director", "coordinator"):
        client = login_as(people[who])
        html = page(client, project)
        (token,) = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        assert fragments.PLACEHOLDER not in html
        r = client.post(
            f"/projects/{project.id}/board/tasks",
            data={"csrf_token": token, "quick": "1", "column_id": columns[0].id, "title": who},
        )
        assert r.status_code in (200, 204, 302), (who, r.status_code, r.text[:500])
        tokens.append(token)
    assert tokens[0] != tokens[1]
    assert "coordinator" in page(login_as(people["funder"]), project)


def test_live_refreshes_of_a_column_and_a_card_are_never_stale(board, login_as, app):
    project, people, columns, tasks = board
    client = login_as(people["adviser"])
    column_url = f"/projects/{project.id}/board/columns/{columns[0].id}"
    card_url = f"/projects/{project.id}/board/tasks/{tasks[0].id}/card"
    old_column, old_card = client.get(column_url).text, client.get(card_url).text
    assert client.get(column_url).text == old_column and f'id="t{tasks[0].id}"' in old_column
    ops.update_task(tasks[0], people["director"], title="Retitrée en direct")
    db.session.commit()
    new_card = client.get(card_url).text
    assert "Retitrée en direct" in new_card and new_card != old_card
    ops.archive_task(tasks[0], people["director"])
    db.session.commit()
    assert client.get(card_url).text == ""  # the card leaves the board
    new_column = client.get(column_url).text
    assert f'id="t{tasks[0].id}"' not in new_column
    saved, app.config["FRAGMENT_CACHE_MB"] = app.config["FRAGMENT_CACHE_MB"], "0"
    try:
        assert client.get(column_url).text == new_column
    finally:
        app.config["FRAGMENT_CACHE_MB"] = saved
    setup.delete_column(columns[3], people["coordinator"])
    db.session.commit()
    assert client.get(f"/projects/{project.id}/board/columns/{columns[3].id}").status_code == 404
