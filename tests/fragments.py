"""Checks for a page body served from the fragment cache (workspace/cache/fragments.py): the
second view comes from the cache, and after a change the page shows it and is exactly what
a fresh render (cache off) shows."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import current_app

from tests.plugins.board.test_board_fragment import without_tokens
from workspace.cache import fragments
from workspace.extensions import db


def same(html: str) -> str:
    """The page without what differs between two renders of unchanged data: the CSRF tokens
    and the fresh key of each comment form (a double submission is recognised by it)."""
    return re.sub(r'name="key" value="[0-9a-f]{32}"', 'name="key"', without_tokens(html))


def in_request(change: Callable[[], object]) -> object:
    """Run an operation as in a request (it builds URLs, words notifications)."""
    with current_app.test_request_context():
        return change()


def page(client, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return r.text


def fresh(app, client, path: str) -> str:
    """The page rendered with the fragment cache off."""
    saved, app.config["FRAGMENT_CACHE_MB"] = app.config["FRAGMENT_CACHE_MB"], "0"
    try:
        return page(client, path)
    finally:
        app.config["FRAGMENT_CACHE_MB"] = saved


def assert_cache_follows(app, client, path: str, change: Callable[[], object]) -> None:
    """Served twice (the second time from the cache), then ``change()`` committed: the page
    shows the change, exactly as a fresh render does."""
    before = page(client, path)
    hits = fragments.cache.hits
    assert same(page(client, path)) == same(before)
    assert fragments.cache.hits > hits, "the second view is served from the cache"
    change()
    db.session.commit()
    after = page(client, path)
    assert same(after) != same(before), "the change shows"
    assert same(after) == same(fresh(app, client, path))
