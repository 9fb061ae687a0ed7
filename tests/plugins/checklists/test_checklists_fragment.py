"""The checklists' body served from the fragment cache (workspace/cache/fragments.py): after any
kind of change, exactly what a fresh render shows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from plugins.checklists import operations
from plugins.comments import operations as comments
from tests.plugins.board.test_board_fragment import without_tokens
from workspace.cache import fragments
from workspace.extensions import db


def page(client, project, query="") -> str:
    r = client.get(f"/projects/{project.id}/checklists/{query}")
    assert r.status_code == 200
    return r.text


def fresh(app, client, project) -> str:
    saved, app.config["FRAGMENT_CACHE_MB"] = app.config["FRAGMENT_CACHE_MB"], "0"
    try:
        return page(client, project)
    finally:
        app.config["FRAGMENT_CACHE_MB"] = saved


CHANGES = {
    "status": lambda pr, pe, it: operations.set_status(it[0], pe["director"], "fait"),
    "label and due date": lambda pr, pe, it: operations.update_item(
        it[1], pe["director"], status="a_faire", label="Nouveau libellé", due_date=date(2026, 1, 5)
    ),
    "item added": lambda pr, pe, it: operations.add_item(
        it[0].section, pe["director"], label="Point ajouté"
    ),
    "item deleted": lambda pr, pe, it: operations.delete_item(it[2], pe["director"]),
    "verified by the Pôle": lambda pr, pe, it: operations.set_verified(it[0], pe["adviser"], True),
    "comment": lambda pr, pe, it: comments.post_comment(
        pr, pe["adviser"], "checklist_item", it[0].id, "Un avis"
    ),
    "organisation renamed": lambda pr, pe, it: setattr(
        pe["director"].organisation, "name", "Association renommée"
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("who", ["director", "adviser", "funder"])
def test_after_any_change_the_cached_page_is_the_fresh_page(cl, login_as, app, name, who):
    project, people, items = cl
    if name == "organisation renamed":
        operations.update_item(
            items[0],
            people["director"],
            status="a_faire",
            responsible_org_id=people["director"].organisation_id,
        )
        db.session.commit()
    client = login_as(people[who])
    before = page(client, project)
    hits = fragments.cache.hits
    assert without_tokens(page(client, project)) == without_tokens(before)
    assert fragments.cache.hits == hits + 1  # the second view is served from the cache
    CHANGES[name](project, people, items)
    db.session.commit()
    after = page(client, project)
    assert without_tokens(after) != without_tokens(before), "the change shows"
    assert without_tokens(after) == without_tokens(fresh(app, client, project))


def test_rights_tab_and_day_are_part_of_the_key(cl, login_as, monkeypatch):
    project, people, items = cl
    operations.update_item(
        items[0], people["director"], status="a_faire", due_date=date.today() + timedelta(days=1)
    )
    db.session.commit()
    director, funder = login_as(people["director"]), login_as(people["funder"])
    assert f'id="cl-status-{items[0].id}"' in page(director, project)
    assert f'id="cl-status-{items[0].id}"' not in page(funder, project)
    assert 'aria-selected="true" tabindex="0"' in page(director, project, "?area=rh")
    assert "is-overdue" not in page(director, project)

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.today() + timedelta(days=2)

    from plugins.checklists import models, views

    monkeypatch.setattr(models, "date", Tomorrow)  # the item's overdue flag
    monkeypatch.setattr(views, "date", Tomorrow)  # the fragment's key
    assert "is-overdue" in page(director, project)


def test_the_board_and_the_checklists_leave_each_other_cached(cl, login_as, app):
    """Their own parts of the project's revisions: a task moved renders no checklist again,
    an item's status no board column."""
    from plugins.board import operations as board_ops
    from plugins.board.setup import ensure_columns

    project, people, items = cl
    columns = ensure_columns(project)
    task = board_ops.create_task(project, people["director"], columns[0], title="Convention")
    db.session.commit()
    client = login_as(people["director"])
    board = f"/projects/{project.id}/board/"
    page(client, project)
    client.get(board)
    misses = fragments.cache.misses
    board_ops.move_task(task, people["director"], columns[1], 0)
    db.session.commit()
    checklists = page(client, project)
    assert fragments.cache.misses == misses  # the body served as it was
    assert without_tokens(checklists) == without_tokens(fresh(app, client, project))
    client.get(board)  # the two columns rendered again
    misses = fragments.cache.misses
    operations.set_status(items[0], people["director"], "fait")
    db.session.commit()
    assert client.get(board).status_code == 200
    assert fragments.cache.misses == misses  # the frame and every column served as they were
    page(client, project)
    assert fragments.cache.misses == misses + 1  # the checklists' body, rendered again
