"""The NUL character is refused with a 400 naming the field, on both databases.

PostgreSQL cannot store it in a text column (the CI fuzz found ``POST /profile/tokens`` with
``name='\\x00'`` answering 503 there); SQLite would. Either way the answer must be the same
clear 400 and nothing may be written.
"""

from __future__ import annotations

import io

from tests.factories import project_with_roles
from workspace.api.models import ApiToken
from workspace.extensions import db

NUL = "\x00"


def test_form_field_with_nul_is_refused_and_nothing_is_saved(login_as):
    _project, people = project_with_roles()
    client = login_as(people["director"])
    r = client.post("/profile/tokens", data={"name": "jeton" + NUL, "scope": "read"})
    assert r.status_code == 400
    assert "Caractère non permis" in r.text
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_htmx_request_gets_a_toast(login_as):
    project, people = project_with_roles()
    client = login_as(people["director"])
    r = client.post(
        f"/projects/{project.id}/board/tasks",
        data={"title": NUL},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 400
    assert r.headers["HX-Retarget"] == "#toasts"
    assert "toast-error" in r.text and "Caractère non permis" in r.text


def test_query_string_with_nul_is_refused(login_as):
    project, people = project_with_roles()
    client = login_as(people["director"])
    r = client.get(f"/projects/{project.id}/board/?q=a{NUL}b")
    assert r.status_code == 400
    assert "Caractère non permis" in r.text


def test_api_call_gets_a_json_error_naming_the_field(login_as):
    project, people = project_with_roles()
    client = login_as(people["director"])
    r = client.get(f"/api/v1/projects/{project.id}/board/tasks?q={NUL}")
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["code"] == 400 and "q" in error["fields"]


def test_upload_name_with_nul_is_refused(login_as):
    _project, people = project_with_roles()
    client = login_as(people["director"])
    upload = (io.BytesIO(b"%PDF-1.4"), "note" + NUL + ".pdf")
    r = client.post("/profile/tokens", data={"file": upload}, content_type="multipart/form-data")
    assert r.status_code == 400
    assert "Caractère non permis" in r.text


def test_ordinary_text_passes(login_as):
    _project, people = project_with_roles()
    client = login_as(people["director"])
    r = client.post("/profile/tokens", data={"name": "Tableur « suivi » ✓", "scope": "read"})
    assert r.status_code == 201
