"""The trash: a deleted task leaves every view, comes back with « Annuler » or from the trash
for 30 days, then is deleted for good."""

from __future__ import annotations

import json
from datetime import timedelta

from plugins.board import operations as ops
from plugins.board.models import Task
from plugins.board.trash import purge_trash
from tests.plugins.board.conftest import order
from workspace.extensions import db
from workspace.models import utcnow


def _delete(client, project, task):
    return client.post(
        f"/projects/{project.id}/board/tasks/{task.id}/delete", headers={"HX-Request": "true"}
    )


def test_delete_goes_to_the_trash_with_an_undo(board, login_as, emitted):
    project, people, columns, tasks = board
    coordinator = login_as(people["coordinator"])
    r = _delete(coordinator, project, tasks[0])
    assert r.status_code == 200
    toast = json.loads(r.headers["HX-Trigger"])["coop:toast"][0]
    assert "corbeille" in toast["message"] and "30 jours" in toast["message"]
    undo = toast["action"]
    assert undo["label"] == "Annuler"
    assert undo["url"] == f"/projects/{project.id}/board/tasks/{tasks[0].id}/undelete"
    db.session.expire_all()
    task = db.session.get(Task, tasks[0].id)
    assert task.deleted_at is not None and task.deleted_by_id == people["coordinator"].id
    assert tasks[0].id not in order(columns[0].id)
    base = f"/projects/{project.id}/board"
    # gone from the board, the archive, the panel, the API and the search
    assert tasks[0].title not in coordinator.get(f"{base}/").text.split('id="board"')[1]
    assert tasks[0].title not in coordinator.get(f"{base}/archive").text
    assert coordinator.get(f"{base}/tasks/{tasks[0].id}").status_code == 404
    assert coordinator.get(f"{base}/?task={tasks[0].id}").status_code == 200  # the board alone
    # listed in the trash, for every member
    trash = login_as(people["funder"]).get(f"{base}/trash").text
    assert tasks[0].title in trash and "Claire Coordinatrice" in trash
    assert "undelete" not in trash  # the funder cannot restore
    # « Annuler »: back at the end of its column
    r = coordinator.post(undo["url"], headers={"HX-Request": "true"})
    assert r.status_code == 204
    assert "restaurée" in json.loads(r.headers["HX-Trigger"])["coop:toast"][0]["message"]
    db.session.expire_all()
    task = db.session.get(Task, tasks[0].id)
    assert task.deleted_at is None and not task.archived
    assert order(columns[0].id)[-1] == task.id
    assert [n["type"] for n in emitted] == ["task:deleted", "task:restored"]


def test_only_coordinators_restore_and_only_from_the_trash(board, login_as):
    project, people, _columns, tasks = board
    url = f"/projects/{project.id}/board/tasks/{tasks[1].id}/undelete"
    coordinator = login_as(people["coordinator"])
    assert coordinator.post(url).status_code == 404  # not in the trash
    _delete(coordinator, project, tasks[1])
    assert login_as(people["director"]).post(url).status_code == 403
    assert coordinator.post(url).status_code == 302


def test_the_trash_is_emptied_after_30_days(board, login_as, app):
    project, people, _columns, tasks = board
    with app.test_request_context():
        ops.delete_task(tasks[0], people["coordinator"])
        ops.delete_task(tasks[1], people["coordinator"])
        db.session.commit()
    old = db.session.get(Task, tasks[0].id)
    old.deleted_at = utcnow() - timedelta(days=31)
    db.session.commit()
    coordinator = login_as(people["coordinator"])
    trash = coordinator.get(f"/projects/{project.id}/board/trash").text
    assert tasks[0].title not in trash and tasks[1].title in trash
    undo = f"/projects/{project.id}/board/tasks/{tasks[0].id}/undelete"
    assert coordinator.post(undo).status_code == 404
    assert purge_trash() == 1
    db.session.commit()
    assert db.session.get(Task, tasks[0].id) is None
    assert db.session.get(Task, tasks[1].id) is not None


def test_the_command_purges_every_project(board, app):
    _project, people, _columns, tasks = board
    with app.test_request_context():
        ops.delete_task(tasks[2], people["coordinator"])
        db.session.commit()
    db.session.get(Task, tasks[2].id).deleted_at = utcnow() - timedelta(days=40)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["board", "purge-trash"])
    assert result.exit_code == 0 and "1 task(s)" in result.output
    db.session.expire_all()
    assert db.session.get(Task, tasks[2].id) is None
