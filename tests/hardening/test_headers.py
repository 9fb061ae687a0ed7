"""Security headers on every response, cookie flags, HSTS over HTTPS only, ProxyFix."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, create_user, project_with_roles
from workspace import create_app
from workspace.extensions import db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)


def _csp(response) -> dict[str, str]:
    out = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        out[name] = value
    return out


def _check_headers(response):
    csp = _csp(response)
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    )


@pytest.mark.parametrize("path", ["/login", "/reset", "/does-not-exist", "/static/css/app.css"])
def test_headers_on_public_responses(client, path):
    r = client.get(path)
    _check_headers(r)
    assert "Strict-Transport-Security" not in r.headers  # plain HTTP: no HSTS


def test_headers_and_no_inline_script_on_member_pages(login_as):
    project, people = project_with_roles()
    c = login_as(people["coordinator"])
    pages = ["/", "/profile", f"/projects/{project.id}/", f"/projects/{project.id}/members"]
    pages += [f"/projects/{project.id}/{name}/" for name in ("board", "checklists", "milestones")]
    seen = 0
    for path in pages:
        r = c.get(path, follow_redirects=True)
        _check_headers(r)
        if r.status_code == 200 and r.mimetype == "text/html":
            seen += 1
            assert not INLINE_SCRIPT.search(r.text), (path, INLINE_SCRIPT.search(r.text))
            assert r.headers.get("Cache-Control") == "private, no-store"
    assert seen >= 3


def test_inline_event_handlers_absent(login_as):
    """CSP forbids onclick=…: no page may rely on one."""
    project, people = project_with_roles()
    c = login_as(people["coordinator"])
    for path in ("/", "/profile", f"/projects/{project.id}/"):
        html = c.get(path, follow_redirects=True).text
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), path


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    r = client.get("/login", base_url="https://localhost")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    # Without ProxyFix a forwarded scheme is not trusted.
    r = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in r.headers


def _cookie_flags(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return {p.strip().split("=")[0].lower(): p for p in header.split(";")[1:]}
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def test_cookies_httponly_lax_not_secure_by_default(client):
    create_user(email="claire@example.org")
    r = client.post(
        "/login", data={"email": "claire@example.org", "password": PASSWORD, "remember": "y"}
    )
    assert r.status_code == 302
    for name in ("session", "remember_token"):
        flags = _cookie_flags(r, name)
        assert "httponly" in flags and flags["samesite"].strip().lower() == "samesite=lax"
        assert "secure" not in flags


@pytest.fixture
def secure_app(tmp_path, app):
    other = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'secure.sqlite'}",
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "another-secret",
            "REDIS_URL": "",
            "SOCKETIO_ASYNC_MODE": "threading",
            "SESSION_COOKIE_SECURE": "1",
            "PROXY_FIX": "1",
        }
    )
    other.seen_addresses = []

    @other.after_request
    def spy(response):
        from flask import request

        other.seen_addresses.append(request.remote_addr)
        return response

    with other.app_context():
        db.create_all()
        create_user(email="claire@example.org")
        yield other
        db.session.remove()
        db.engine.dispose()


def test_secure_cookies_and_proxy_fix(secure_app):
    c = secure_app.test_client()
    r = c.post(
        "/login",
        data={"email": "claire@example.org", "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    assert r.status_code == 302
    for name in ("session", "remember_token"):
        flags = _cookie_flags(r, name)
        assert "secure" in flags and "httponly" in flags
    # Behind the proxy: the forwarded scheme turns HSTS on, the forwarded address is the client.
    r = c.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    c.get("/login", headers={"X-Forwarded-For": "203.0.113.7"})
    assert secure_app.seen_addresses[-1] == "203.0.113.7"
