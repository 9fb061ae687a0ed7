"""Files on tasks: the upload service's checks, editors only, refused on an archived task,
removed with the task's history told, downloadable by every member."""

from __future__ import annotations

import io

import pytest

from plugins.board import operations as ops
from plugins.board.models import TaskFile
from workspace.extensions import db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(client, project, task, data=PNG, name="devis.png"):
    return client.post(
        f"/projects/{project.id}/board/tasks/{task.id}/files",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers={"HX-Request": "true"},
    )


def test_an_editor_attaches_and_removes_a_file(board, login_as, emitted):
    project, people, _columns, tasks = board
    client = login_as(people["director"])
    r = _upload(client, project, tasks[0])
    assert r.status_code == 200 and "devis.png" in r.text and 'id="task-files"' in r.text
    attached = db.session.scalar(db.select(TaskFile))
    assert attached.task_id == tasks[0].id and attached.added_by_id == people["director"].id
    assert emitted[-1]["type"] == "task:updated" and "devis.png" in emitted[-1]["summary"]["fr"]
    # every member downloads it, from the panel's link
    panel = (
        login_as(people["funder"])
        .get(f"/projects/{project.id}/board/tasks/{tasks[0].id}", headers={"HX-Request": "true"})
        .text
    )
    link = f"/projects/{project.id}/files/{attached.file_id}"
    assert link in panel and "Joindre" not in panel  # the funder reads only
    got = login_as(people["funder"]).get(link)
    assert got.status_code == 200 and got.data == PNG
    r = client.post(
        f"/projects/{project.id}/board/tasks/{tasks[0].id}/files/{attached.id}/delete",
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "devis.png" not in r.text
    assert db.session.scalar(db.select(db.func.count(TaskFile.id))) == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"#!/bin/sh\necho", "script.sh", "Type de fichier non accepté"),
        (b"", "vide.pdf", "Le fichier est vide."),
    ],
)
def test_a_refused_file_says_why_and_saves_nothing(board, login_as, data, name, message):
    project, people, _columns, tasks = board
    r = _upload(login_as(people["director"]), project, tasks[0], data, name)
    assert r.status_code == 400 and message in r.text
    assert db.session.scalar(db.select(db.func.count(TaskFile.id))) == 0


def test_readers_cannot_attach_and_an_archived_task_is_locked(board, login_as, app):
    project, people, _columns, tasks = board
    for who in ("adviser", "evaluator", "funder"):
        assert _upload(login_as(people[who]), project, tasks[0]).status_code == 403
    with app.test_request_context():
        ops.archive_task(tasks[1], people["director"])
        db.session.commit()
    r = _upload(login_as(people["director"]), project, tasks[1])
    assert r.status_code == 400 and "restaurez-la" in r.text
    assert db.session.scalar(db.select(db.func.count(TaskFile.id))) == 0


def test_another_tasks_file_is_404(board, login_as):
    project, people, _columns, tasks = board
    client = login_as(people["director"])
    _upload(client, project, tasks[0])
    attached = db.session.scalar(db.select(TaskFile))
    r = client.post(f"/projects/{project.id}/board/tasks/{tasks[1].id}/files/{attached.id}/delete")
    assert r.status_code == 404
    assert db.session.scalar(db.select(db.func.count(TaskFile.id))) == 1


def test_the_api_lists_a_task_s_files_without_a_query_per_task(app, board, login_as):
    from sqlalchemy import event

    from plugins.board.models import BoardColumn
    from tests.api.conftest import Api, make_token
    from workspace.models import Project, User

    from .conftest import make_tasks

    project, people, columns, tasks = board
    _upload(login_as(people["director"]), project, tasks[0])
    api = Api(app.test_client(), make_token(people["funder"], "read"))
    got = api.get(f"/api/v1/projects/{project.id}/board/tasks/{tasks[0].id}")
    assert got.status_code == 200, got.text
    (listed,) = got.json["files"]
    assert (listed["name"], listed["content_type"], listed["size"]) == (
        "devis.png",
        "image/png",
        64 + 8,
    )
    assert api.get(listed["url"]).data == PNG

    def statements() -> int:
        db.session.remove()  # nothing already loaded: every row the answer needs is read
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            r = api.get(f"/api/v1/projects/{project_id}/board/tasks")
            assert r.status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert all(len(t["files"]) == 1 for t in r.json["data"])
        return len(seen)

    director = login_as(people["director"])
    project_id, column_id, director_id = project.id, columns[0].id, people["director"].id

    def attach_to(task_ids):
        for task_id in task_ids:
            r = director.post(
                f"/projects/{project_id}/board/tasks/{task_id}/files",
                data={"file": (io.BytesIO(PNG), "devis.png")},
                content_type="multipart/form-data",
            )
            assert r.status_code == 302

    attach_to([t.id for t in tasks[1:]])
    few = statements()  # 5 tasks
    more = make_tasks(
        db.session.get(Project, project_id),
        db.session.get(User, director_id),
        db.session.get(BoardColumn, column_id),
        4,
    )
    attach_to([t.id for t in more])
    assert statements() == few  # 9 tasks
