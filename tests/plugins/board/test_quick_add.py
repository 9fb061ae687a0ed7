"""The quick-add form at the bottom of a column also works as a plain HTML form.

Pressing Enter before htmx has processed the page (a slow load) or without JavaScript used to
send the title in a GET to the board: nothing was created and the title ended up in the URL.
"""

from __future__ import annotations

import re
from html import unescape

from plugins.board.models import Task
from workspace.extensions import db


def _quick_add_form(html: str, column_id: int) -> tuple[str, str, dict]:
    """(method, action, fields) of the quick-add form of one column, as a browser sends it."""
    for form in re.findall(r'<form class="quick-add".*?</form>', html, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        if fields.get("column_id") == str(column_id):
            method = re.search(r'method="([^"]+)"', form.split(">", 1)[0])
            action = re.search(r'action="([^"]+)"', form.split(">", 1)[0])
            return (
                method.group(1) if method else "get",
                unescape(action.group(1)) if action else "",
                fields,
            )
    raise AssertionError(f"no quick-add form for column {column_id}")


def test_quick_add_without_htmx_posts_and_comes_back_to_the_board(board, login_as, csrf_enabled):
    project, people, columns, _tasks = board
    client = login_as(people["director"])
    page = client.get(f"/projects/{project.id}/board/").text
    method, action, fields = _quick_add_form(page, columns[1].id)
    assert method.lower() == "post"
    assert action == f"/projects/{project.id}/board/tasks"
    assert fields["csrf_token"] and fields["quick"] == "1"
    r = client.post(action, data={**fields, "title": "Appeler la mutuelle"})
    assert r.status_code == 302
    assert r.headers["Location"].endswith(f"/projects/{project.id}/board/")
    task = db.session.scalar(db.select(Task).filter_by(title="Appeler la mutuelle"))
    assert task.column_id == columns[1].id and task.created_by_id == people["director"].id
    # The toast becomes a flash message on the board the browser comes back to.
    assert "Tâche « Appeler la mutuelle » créée." in client.get(r.headers["Location"]).text


def test_quick_add_with_htmx_still_answers_204(board, login_as):
    project, people, columns, _tasks = board
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/board/tasks",
        data={"quick": "1", "title": "Relancer le notaire", "column_id": columns[0].id},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 204 and "coop:toast" in r.headers["HX-Trigger"]
    assert db.session.scalar(db.select(Task).filter_by(title="Relancer le notaire"))
