"""A NUL character in a JSON body is refused naming the field (PostgreSQL cannot store it)."""

from __future__ import annotations

from plugins.board import setup
from plugins.board.models import Task
from workspace.extensions import db

NUL = "\x00"


def test_api_json_with_nul_is_refused_naming_the_field(roles_project, api_for):
    project, people = roles_project
    column = setup.ensure_columns(project)[0]
    db.session.commit()
    api = api_for(people["director"])
    r = api.post(
        f"/api/v1/projects/{project.id}/board/tasks", {"title": NUL, "column_id": column.id}
    )
    assert r.status_code in (400, 422)
    assert r.json["error"]["fields"]["title"] == "Caractère non permis."
    assert db.session.scalar(db.select(db.func.count(Task.id))) == 0
