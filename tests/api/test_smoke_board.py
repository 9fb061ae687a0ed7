"""Board resources through the API: CRUD, move with WIP, ETag / If-Match, pagination."""

from __future__ import annotations

from plugins.board import setup
from workspace.extensions import db


def _board(project):
    cols = setup.ensure_columns(project)
    db.session.commit()
    return cols


def test_task_lifecycle_with_etags(roles_project, api_for, emitted):
    project, people = roles_project
    cols = _board(project)
    api = api_for(people["director"])
    base = f"/api/v1/projects/{project.id}/board"
    r = api.post(f"{base}/tasks", {"title": "Budget prévisionnel", "column_id": cols[0].id})
    assert r.status_code == 201, r.json
    task = r.json
    assert task["title"] == "Budget prévisionnel" and task["version"] == 1
    etag = r.headers["ETag"]
    assert any(n["type"] == "task:created" for n in emitted)
    # no If-Match → 428, stale → 412, nothing changed
    r = api.patch(f"{base}/tasks/{task['id']}", {"title": "X"})
    assert r.status_code == 428 and r.json["error"]["code"] == 428
    r = api.patch(f"{base}/tasks/{task['id']}", {"title": "X"}, headers={"If-Match": '"nope"'})
    assert r.status_code == 412
    assert api.get(f"{base}/tasks/{task['id']}").json["title"] == "Budget prévisionnel"
    r = api.patch(
        f"{base}/tasks/{task['id']}", {"title": "Budget 2027"}, headers={"If-Match": etag}
    )
    assert r.status_code == 200 and r.json["title"] == "Budget 2027"
    assert r.headers["ETag"] != etag
    # the old ETag is now stale
    r = api.patch(f"{base}/tasks/{task['id']}", {"title": "Encore"}, headers={"If-Match": etag})
    assert r.status_code == 412
    # move with a WIP limit
    cols[1].wip_limit = 1
    db.session.commit()
    other = api.post(f"{base}/tasks", {"title": "Autre", "column_id": cols[0].id}).json
    assert api.post(f"{base}/tasks/{task['id']}/move", {"column_id": cols[1].id}).status_code == 200
    r = api.post(f"{base}/tasks/{other['id']}/move", {"column_id": cols[1].id})
    assert r.status_code == 409
    r = api.post(f"{base}/tasks/{other['id']}/move", {"column_id": cols[1].id, "confirm": True})
    assert r.status_code == 200 and r.json["column_id"] == cols[1].id
    assert api.post(f"{base}/tasks/{task['id']}/archive").json["archived"] is True
    assert api.post(f"{base}/tasks/{task['id']}/archive").status_code == 409
    assert api.post(f"{base}/tasks/{task['id']}/restore").json["archived"] is False
    assert api.delete(f"{base}/tasks/{task['id']}").status_code == 403  # director: no manage
    coord = api_for(people["coordinator"])
    assert coord.delete(f"{base}/tasks/{task['id']}").status_code == 204
    assert coord.get(f"{base}/tasks/{task['id']}").status_code == 404


def test_only_task_editors_can_be_assigned(roles_project, api_for):
    project, people = roles_project
    cols = _board(project)
    api = api_for(people["director"])
    base = f"/api/v1/projects/{project.id}/board/tasks"
    body = {"title": "Convention", "column_id": cols[0].id}
    r = api.post(base, {**body, "assignee_ids": [people["evaluator"].id]})
    assert r.status_code == 400
    assert "Impossible d'assigner" in r.json["error"]["fields"]["assignee_ids"]
    r = api.post(base, {**body, "assignee_ids": [people["coordinator"].id]})
    assert r.status_code == 201 and r.json["assignee_ids"] == [people["coordinator"].id]


def test_cursor_pagination(roles_project, api_for):
    project, people = roles_project
    cols = _board(project)
    api = api_for(people["director"])
    base = f"/api/v1/projects/{project.id}/board/tasks"
    for i in range(7):
        assert api.post(base, {"title": f"T{i}", "column_id": cols[0].id}).status_code == 201
    seen, cursor = [], None
    while True:
        r = api.get(base, query_string={"limit": 3, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200
        seen += [t["title"] for t in r.json["data"]]
        cursor = r.json["next_cursor"]
        if not cursor:
            assert "Link" not in r.headers
            break
        assert 'rel="next"' in r.headers["Link"]
    assert seen == [f"T{i}" for i in range(7)]
    assert api.get(base, query_string={"limit": 101}).status_code == 400
    assert api.get(base, query_string={"limit": 0}).status_code == 400
    r = api.get(base, query_string={"cursor": "garbage!"})
    assert r.status_code == 400 and "cursor" in r.json["error"]["fields"]
    assert api.get(base, query_string={"column_id": cols[1].id}).json["data"] == []


def test_a_deleted_task_goes_to_the_trash(roles_project, api_for):
    project, people = roles_project
    cols = _board(project)
    api = api_for(people["coordinator"])
    base = f"/api/v1/projects/{project.id}/board/tasks"
    task = api.post(base, {"title": "Convention", "column_id": cols[0].id}).json
    assert api.delete(f"{base}/{task['id']}").status_code == 204
    assert api.get(f"{base}/{task['id']}").status_code == 404
    listed = api.get(f"{base}?archived=true").json
    assert task["id"] not in [t["id"] for t in listed["data"]]
    from plugins.board.models import Task

    assert db.session.get(Task, task["id"]).deleted_at is not None  # restorable for 30 days
