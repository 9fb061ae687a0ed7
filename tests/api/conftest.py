"""API test helpers: tokens per person, a JSON client, the permission-matrix rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from workspace.api.tokens_ui import create_token
from workspace.extensions import db
from workspace.models import utcnow


def make_token(user, scope: str = "write", days: int | None = 30) -> str:
    _token, secret = create_token(user, f"test {scope}", scope, days)
    db.session.commit()
    return secret


class Api:
    """A test client that sends a bearer token (or nothing) and JSON bodies."""

    def __init__(self, client, token: str | None = None, lang: str | None = None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        if lang:
            self.headers["Accept-Language"] = lang

    def call(self, method: str, url: str, json=None, headers=None, **kw):
        h = {**self.headers, **(headers or {})}
        return self.client.open(url, method=method, json=json, headers=h, **kw)

    def get(self, url, **kw):
        return self.call("GET", url, **kw)

    def post(self, url, json=None, **kw):
        return self.call("POST", url, json=json if json is not None else {}, **kw)

    def patch(self, url, json=None, **kw):
        return self.call("PATCH", url, json=json, **kw)

    def delete(self, url, **kw):
        return self.call("DELETE", url, **kw)


@pytest.fixture
def api_for(app):
    """``api_for(user_or_None, scope="write")`` → an :class:`Api` with a fresh token."""

    def make(user=None, scope: str = "write", lang: str | None = None):
        token = make_token(user, scope) if user is not None else None
        return Api(app.test_client(), token, lang)

    return make


def expired(user) -> str:
    token, secret = create_token(user, "old", "read", 1)
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return secret
