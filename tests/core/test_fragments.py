"""The fragment cache (workspace/cache/fragments.py): bounded, keyed by revisions, one render for
many simultaneous misses, each viewer's own CSRF token."""

from __future__ import annotations

import sys
import threading

import flask_babel
import pytest
from flask import render_template_string

from tests.factories import project_with_roles
from workspace.cache import fragments
from workspace.extensions import db


@pytest.fixture
def project():
    project, _people = project_with_roles()
    return project


def test_lru_bounded_in_bytes():
    cache = fragments.FragmentCache()
    budget = 2 * sys.getsizeof("x" * 1000) + 10  # room for two fragments of 1,000 characters
    cache.put("a", 1, "x" * 1000, budget=budget)
    cache.put("b", 1, "y" * 1000, budget=budget)
    assert cache.get("a", 1) == "x" * 1000  # a is now the most recent
    cache.put("c", 1, "z" * 1000, budget=budget)
    assert cache.get("b", 1) is None and cache.get("a", 1) and cache.get("c", 1)
    cache.put("huge", 1, "h" * 2100, budget=budget)
    assert cache.get("huge", 1) is None and len(cache) == 2
    cache.put("wide", 1, "€" * 700, budget=budget)  # two bytes a character: a and c go
    assert len(cache) == 1 and cache.get("wide", 1)


def test_a_new_stamp_replaces_the_slot():
    cache = fragments.FragmentCache()
    cache.put("a", (1, 1), "old", budget=100)
    assert cache.get("a", (2, 1)) is None
    cache.put("a", (2, 1), "new", budget=100)
    assert len(cache) == 1 and cache.get("a", (2, 1)) == "new"


def test_served_again_until_the_project_changes(app, project):
    calls = []

    def render():
        calls.append(1)
        return f"<p>{project.name}</p>"

    with app.test_request_context():
        assert fragments.cached("t", project.id, (), render) == f"<p>{project.name}</p>"
        assert fragments.cached("t", project.id, (), render) == f"<p>{project.name}</p>"
        assert len(calls) == 1
        project.name = "Renommé"
        db.session.commit()
        assert fragments.cached("t", project.id, (), render) == "<p>Renommé</p>"
        assert len(calls) == 2


def test_the_key_and_the_locale_separate_slots(app, project):
    with app.test_request_context():
        assert fragments.cached("t", project.id, ("a",), lambda: "A") == "A"
        assert fragments.cached("t", project.id, ("b",), lambda: "B") == "B"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        flask_babel.refresh()  # tests share one `g`: forget the French locale
        assert str(flask_babel.get_locale()) == "en"
        assert fragments.cached("t", project.id, ("a",), lambda: "A in English") == "A in English"


def test_uncommitted_changes_are_never_cached_nor_hidden(app, project):
    with app.test_request_context():
        fragments.cached("t", project.id, (), lambda: "committed")
        project.name = "Pas encore enregistré"
        db.session.flush()
        assert fragments.cached("t", project.id, (), lambda: "fresh") == "fresh"
        db.session.rollback()
        assert fragments.cached("t", project.id, (), lambda: "fresh") == "committed"


def test_turned_off(app, project, monkeypatch):
    monkeypatch.setitem(app.config, "FRAGMENT_CACHE_MB", "0")
    with app.test_request_context():
        fragments.cached("t", project.id, (), lambda: "one")
        assert fragments.cached("t", project.id, (), lambda: "two") == "two"
    assert len(fragments.cache) == 0


def test_each_viewer_gets_their_own_csrf_token(app, project):
    template = '<input name="csrf_token" value="{{ csrf_token() }}">'
    tokens = []
    for _ in range(2):
        with app.app_context(), app.test_request_context():  # a fresh `g`, as in production
            html = fragments.cached("t", project.id, (), lambda: render_template_string(template))
            tokens.append(html.split('value="')[1].split('"')[0])
            assert fragments.PLACEHOLDER not in html
            from flask_wtf.csrf import generate_csrf

            assert tokens[-1] == generate_csrf()
    assert tokens[0] != tokens[1]
    (stored,) = [html for _stamp, html, _size in fragments.cache._items.values()]
    assert fragments.PLACEHOLDER in stored  # never a viewer's token


def test_a_fragment_that_would_cache_a_token_is_refused(app, project):
    from flask_wtf.csrf import generate_csrf

    with app.test_request_context(), pytest.raises(RuntimeError, match="CSRF"):
        fragments.cached("t", project.id, (), generate_csrf)
    assert len(fragments.cache) == 0


def test_simultaneous_misses_render_once(app, project):
    """50 clients refreshing after a change: one renders, the others wait for its HTML."""
    started, release = threading.Event(), threading.Event()
    calls, results = [], []

    def slow_render():
        calls.append(1)
        started.set()
        release.wait(5)
        return "<p>une fois</p>"

    def request():
        with app.test_request_context():
            results.append(str(fragments.cached("t", project.id, (), slow_render)))
            db.session.remove()

    first = threading.Thread(target=request)
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=request) for _ in range(5)]
    for t in others:
        t.start()
    for _ in range(500):  # until all five have missed and wait for the first one's render
        if fragments.cache.misses == 6:
            break
        threading.Event().wait(0.01)
    assert fragments.cache.misses == 6
    release.set()
    for t in [first, *others]:
        t.join(10)
    assert results == ["<p>une fois</p>"] * 6
    assert len(calls) == 1


def test_a_tuple_counts_the_memory_of_its_text():
    cache = fragments.FragmentCache()
    budget = sys.getsizeof("x" * 1000) + 100
    cache.put("a", 1, ("x" * 1000, 3), budget=budget)
    assert cache.get("a", 1) == ("x" * 1000, 3)
    cache.put("b", 1, ("y" * 1000, 4), budget=budget)  # both would not fit: a goes
    assert cache.get("a", 1) is None and len(cache) == 1


def test_reuse_each_computes_the_missing_ones_together(app, project):
    batches = []

    def compute(idents):
        batches.append(sorted(idents))
        return {i: f"<p>{i}</p>" for i in idents}

    with app.test_request_context():
        slots = {i: fragments.slot("t-each", project.id, (i,)) for i in (1, 2, 3)}
        stamps = dict.fromkeys(slots, (7, 0))
        assert fragments.reuse_each(slots, stamps, compute)[2] == "<p>2</p>"
        assert fragments.reuse_each(slots, {**stamps, 3: (8, 0)}, compute)[3] == "<p>3</p>"
        assert batches == [[1, 2, 3], [3]]  # a new stamp renders its own piece alone
        app.config["FRAGMENT_CACHE_MB"], saved = "0", app.config["FRAGMENT_CACHE_MB"]
        try:
            fragments.reuse_each(slots, stamps, compute)
        finally:
            app.config["FRAGMENT_CACHE_MB"] = saved
        assert batches[-1] == [1, 2, 3]  # no cache: every piece, every time
