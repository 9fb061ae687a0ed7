"""The NUL character never reaches the database, and costs the user nothing else.

PostgreSQL cannot store NUL in a text column (the CI fuzz found ``POST /profile/tokens`` with
``name='\\x00'`` answering 503 there) while SQLite would: the same input behaved differently
on the two databases. Form, query and upload-name values now have NUL replaced with U+FFFD
before any view runs (workspace/forms/input_guard.py); JSON bodies are refused field by field.
Every test here runs on both databases (``make test``).
"""

from __future__ import annotations

import io

from plugins.board import setup
from plugins.board.models import Task
from plugins.milestones.models import Milestone
from tests.plugins.milestones.conftest import make_milestone
from workspace.api.models import ApiToken
from workspace.extensions import db
from workspace.projects.demo_story import tiny_pdf

NUL, REPLACEMENT = "\x00", "\ufffd"


def test_form_field_keeps_its_text_with_the_nul_replaced(roles_project, login_as):
    _project, people = roles_project
    client = login_as(people["director"])
    r = client.post("/profile/tokens", data={"name": "jeton" + NUL, "scope": "read"})
    assert r.status_code == 201
    assert db.session.scalar(db.select(ApiToken.name)) == "jeton" + REPLACEMENT


def test_htmx_task_title_with_nul_is_saved_without_it(roles_project, login_as):
    project, people = roles_project
    column = setup.ensure_columns(project)[0]
    db.session.commit()
    client = login_as(people["director"])
    r = client.post(
        f"/projects/{project.id}/board/tasks",
        data={"title": f"Réunion{NUL} de lancement", "column_id": column.id},
        headers={"HX-Request": "true"},
    )
    assert r.status_code < 400, r.text
    titles = db.session.scalars(db.select(Task.title).filter_by(project_id=project.id)).all()
    assert titles == [f"Réunion{REPLACEMENT} de lancement"]


def test_query_string_with_nul_is_a_plain_search(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    assert client.get(f"/projects/{project.id}/board/?q=a{NUL}b").status_code == 200
    assert client.get(f"/projects/{project.id}/comments/?q={NUL}").status_code < 500


def test_upload_name_with_nul_is_stored_with_the_replacement(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "planned")
    client = login_as(people["director"])
    r = client.post(
        f"/projects/{project.id}/milestones/{m.id}/evidence",
        data={"kind": "file", "file": (io.BytesIO(tiny_pdf("pv")), f"pv{NUL}.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    db.session.expire_all()
    names = [e.name for e in db.session.get(Milestone, m.id).evidence]
    assert names == ["preuve.pdf", f"pv{REPLACEMENT}.pdf"]
