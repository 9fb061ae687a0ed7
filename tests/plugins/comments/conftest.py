"""Fixtures of the comments tests."""

from __future__ import annotations

import pytest

from .helpers import post


@pytest.fixture
def posted(roles_project, login_as):
    """``posted(who, body, **kw)`` → the JSON of a comment posted on the project thread."""
    project, people = roles_project

    def make(who, body, **kw):
        r = post(login_as(people[who]), project, body, **kw)
        assert r.status_code == 201, r.text
        return r.json

    return make
