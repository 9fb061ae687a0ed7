"""Tokens: created from the profile (shown once, stored hashed), revoked or expired → 401,
read scope, session + CSRF, rate limit, errors in one shape and in the caller's language."""

from __future__ import annotations

import re

from tests.api.conftest import Api, expired, make_token
from workspace.api.models import ApiToken
from workspace.auth.credentials import token_hash
from workspace.extensions import db


def test_token_created_from_profile_is_shown_once_and_hashed(roles_project, login_as):
    _project, people = roles_project
    c = login_as(people["director"])
    assert "Jetons d'accès à l'API" in c.get("/profile").get_data(as_text=True)
    r = c.post("/profile/tokens", data={"name": "Tableur", "scope": "read", "expires": "30"})
    assert r.status_code == 201
    secret = re.search(r'value="(cpt_[^"]+)"', r.get_data(as_text=True)).group(1)
    token = db.session.scalar(db.select(ApiToken).filter_by(name="Tableur"))
    assert token.token_hash == token_hash(secret) and secret not in (token.prefix, token.name)
    profile = c.get("/profile").get_data(as_text=True)
    assert "Tableur" in profile and secret not in profile
    api = Api(c.application.test_client(), secret)
    assert api.get("/api/v1/me").json["id"] == people["director"].id


def test_token_form_errors(roles_project, login_as):
    _project, people = roles_project
    c = login_as(people["director"])
    for data in (
        {"name": "", "scope": "read", "expires": "30"},
        {"name": "x" * 81, "scope": "read", "expires": "30"},
        {"name": "ok", "scope": "admin", "expires": "30"},
        {"name": "ok", "scope": "read", "expires": "7"},
    ):
        r = c.post("/profile/tokens", data=data)
        assert r.status_code == 400, data
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_revoked_and_expired_tokens_are_refused(roles_project, login_as, api_for, app):
    _project, people = roles_project
    user = people["director"]
    secret = make_token(user, "read")
    api = Api(app.test_client(), secret)
    assert api.get("/api/v1/me").status_code == 200
    token = db.session.scalar(db.select(ApiToken).filter_by(token_hash=token_hash(secret)))
    assert token.last_used_at is not None
    # someone else cannot revoke it
    other = login_as(people["adviser"])
    assert other.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    r = login_as(user).post(f"/profile/tokens/{token.id}/revoke")
    assert r.status_code == 302
    r = api.get("/api/v1/me")
    assert r.status_code == 401 and r.json["error"]["code"] == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert Api(app.test_client(), expired(user)).get("/api/v1/me").status_code == 401
    assert Api(app.test_client(), "cpt_nope").get("/api/v1/me").status_code == 401
    r = app.test_client().get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
    # revoking through the API itself
    second = make_token(user, "write")
    api2 = Api(app.test_client(), second)
    listed = api2.get("/api/v1/tokens").json["data"]
    assert [t["name"] for t in listed] == ["test write"]
    assert api2.delete(f"/api/v1/tokens/{listed[0]['id']}").status_code == 204
    assert api2.get("/api/v1/me").status_code == 401


def test_inactive_user_token_refused(roles_project, app):
    _project, people = roles_project
    secret = make_token(people["director"])
    people["director"].active = False
    db.session.commit()
    assert Api(app.test_client(), secret).get("/api/v1/me").status_code == 401


def test_session_works_and_writes_need_the_csrf_header(roles_project, login_as, csrf_enabled):
    project, people = roles_project
    c = login_as(people["coordinator"])
    url = f"/api/v1/projects/{project.id}"
    r = c.get(url)
    assert r.status_code == 200
    etag = r.headers["ETag"]
    r = c.patch(url, json={"summary": "Sans jeton CSRF"}, headers={"If-Match": etag})
    assert r.status_code == 400 and r.json["error"]["code"] == 400
    page = c.get("/profile").get_data(as_text=True)
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    r = c.patch(url, json={"summary": "Avec"}, headers={"If-Match": etag, "X-CSRFToken": csrf})
    assert r.status_code == 200 and r.json["summary"] == "Avec"


def test_token_writes_need_no_csrf(roles_project, api_for, csrf_enabled):
    project, people = roles_project
    api = api_for(people["coordinator"])
    url = f"/api/v1/projects/{project.id}"
    etag = api.get(url).headers["ETag"]
    r = api.patch(url, {"summary": "Par jeton"}, headers={"If-Match": etag})
    assert r.status_code == 200


def test_funder_token_only_reads(roles_project, api_for):
    project, people = roles_project
    api = api_for(people["funder"], "write")
    url = f"/api/v1/projects/{project.id}"
    assert api.get(url).status_code == 200
    r = api.patch(url, {"summary": "Non"}, headers={"If-Match": "*"})
    assert r.status_code == 403
    db.session.refresh(project)
    assert project.summary != "Non"


def test_rate_limit(roles_project, api_for, app):
    _project, people = roles_project
    app.extensions["coopilote.api_limiter"].limit = 5
    try:
        api = api_for(people["director"], "read")
        codes = [api.get("/api/v1/me").status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]
        r = api.get("/api/v1/me")
        assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 60
        assert r.json["error"]["code"] == 429
        # another token has its own budget
        assert api_for(people["adviser"], "read").get("/api/v1/me").status_code == 200
    finally:
        app.extensions["coopilote.api_limiter"].limit = 600


def test_error_shape_and_language(roles_project, api_for, app):
    project, people = roles_project
    fr = api_for(people["coordinator"], lang="fr")
    en = Api(app.test_client(), make_token(people["coordinator"]), "en")
    url = f"/api/v1/projects/{project.id}"
    r_fr = fr.patch(url, {"name": ""}, headers={"If-Match": "*"})
    r_en = en.patch(url, {"name": ""}, headers={"If-Match": "*"})
    for r in (r_fr, r_en):
        assert r.status_code == 400
        assert set(r.json["error"]) == {"code", "message", "fields"}
    assert r_fr.json["error"]["fields"]["name"] == "Ce champ est obligatoire."
    assert r_en.json["error"]["fields"]["name"] == "This field is required."
    assert fr.patch(url, {"summary": "x"}).json["error"]["message"].startswith("En-tête If-Match")
    assert en.patch(url, {"summary": "x"}).json["error"]["message"].startswith("If-Match header")
    r = en.get("/api/v1/projects/999999")
    assert r.status_code == 404 and set(r.json["error"]) == {"code", "message", "fields"}
    assert en.get("/api/v1/nothing-here").status_code == 404
    r = fr.call("PATCH", url, data="pas du json", headers={"If-Match": "*"})
    assert r.status_code == 400
    r = fr.patch(url, {"unknown": 1, "start_date": "2026-13-45"}, headers={"If-Match": "*"})
    assert set(r.json["error"]["fields"]) == {"unknown", "start_date"}
    assert fr.get(f"/api/v1/projects/{2**40}").status_code == 404


def test_openapi_document_and_docs_page(client, login_as, roles_project):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"] == "3.1.0"
    assert "/api/v1/projects/{project_id}/board/tasks/{task_id}" in doc["paths"]
    task = doc["components"]["schemas"]["Task"]["properties"]
    assert task["due_date"]["type"] == ["string", "null"]
    page = login_as(roles_project[1]["director"]).get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/projects/{project_id}/board/tasks" in html and '<script src="http' not in html
