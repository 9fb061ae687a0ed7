"""Rendered fragments kept per process and reused while the data they show is unchanged.

A fragment (the 500-task board's columns, say) is stored under a *slot* — its name, the
project, the viewer's locale and whatever else the caller says the HTML depends on (edit
rights, filters, the day) — together with the project's and the people's revisions read
before its data (``workspace/cache/revisions.py``). A later request reads the revisions again: if
they are the same, nothing it shows has changed and the stored HTML is served; otherwise it is
rendered again and replaces the old one in its slot. So a fragment is never stale, and writes
invalidate nothing explicitly.

Three details make this safe:

- a request whose transaction has uncommitted changes renders afresh (the stored HTML would
  not show them) and stores nothing;
- ``csrf_token()`` renders a per-process placeholder while a fragment is rendered for the
  cache; each response gets the viewer's own token in its place (a cached fragment never
  carries someone else's token — checked on every render while testing);
- when many requests miss the same slot at once (50 clients refreshing after a change), one
  renders and the others wait for its result instead of rendering it 50 times.

The cache is bounded in bytes (``FRAGMENT_CACHE_MB``; 0 turns it off), least recently used
out first.
"""

from __future__ import annotations

import secrets
import sys
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from threading import Event, Lock

from flask import current_app, g
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from workspace.cache import revisions
from workspace.cache.memo import per_request
from workspace.permissions import roles_of

PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"  # unguessable: user text can never contain it
WAIT = 5.0  # seconds a request waits for another one rendering the same slot


class FragmentCache:
    """A per-process LRU map ``slot → (stamp, html)`` bounded by the memory of the HTML
    (``sys.getsizeof``: a text with accents takes two bytes per character)."""

    def __init__(self) -> None:
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = Lock()
        self._rendering: dict = {}
        self.hits = self.misses = 0

    def get(self, slot, stamp) -> str | None:
        with self._lock:
            item = self._items.get(slot)
            if item is None or item[0] != stamp:
                self.misses += 1
                return None
            self._items.move_to_end(slot)
            self.hits += 1
            return item[1]

    def put(self, slot, stamp, html, budget: int, size: int | None = None) -> None:
        """Keep ``html`` (or any value, then of the ``size`` given) under ``slot``."""
        with self._lock:
            old = self._items.pop(slot, None)
            if old is not None:
                self._bytes -= old[2]
            size = _size(html) if size is None else size
            if size > budget:
                return
            self._items[slot] = (stamp, html, size)
            self._bytes += size
            while self._bytes > budget:
                _, (_, _, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def claim(self, slot, stamp) -> Event | None:
        """None if the caller is to render ``slot``; else the event to wait for."""
        with self._lock:
            event = self._rendering.get((slot, stamp))
            if event is None:
                self._rendering[(slot, stamp)] = Event()
            return event

    def release(self, slot, stamp) -> None:
        with self._lock:
            event = self._rendering.pop((slot, stamp), None)
        if event is not None:
            event.set()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


cache = FragmentCache()


def _size(value) -> int:
    """The memory of a fragment: its text's, or its parts' for a tuple (a column's HTML with
    its count), whose own size would leave the text out."""
    if isinstance(value, tuple):
        return sum(sys.getsizeof(part) for part in value)
    return sys.getsizeof(value)


def cached(name: str, project_id: int, key: tuple, render: Callable[[], str], stamp=None) -> Markup:
    """The HTML ``render()`` returns, reused while the project's data is unchanged.

    ``key`` holds every per-request value the HTML depends on besides the project's data,
    the people's names and the locale (which the cache adds itself): permissions, filters,
    the date. ``render`` must read everything else from the database. ``stamp``: the
    revisions the HTML depends on when they are not the project's and the people's (parts
    of the project, from :func:`parts`), read before any data."""
    budget = _budget()
    if budget <= 0 or revisions.writes_pending():
        return Markup(render())  # noqa: S704 - a template's autoescaped output
    if stamp is None:
        stamp = revisions.current(project_id)  # before any data is read: see revisions.py
    where = slot(name, project_id, key)
    html = cache.get(where, stamp)
    if html is None:
        html = _render_once(where, stamp, render, budget)
    return with_token(html)


def reused(name: str, project_ids, key: tuple, compute: Callable, size: int = 1024) -> dict:
    """``{project_id: value}``, each value reused while its project's data is unchanged (one
    query reads all their revisions); ``compute(ids)`` returns the values of the projects
    whose value is missing or stale, all at once. ``key``: as for :func:`cached`; ``size``:
    the bytes one value takes, about. Values are shared between requests: never change one."""
    ids = list(project_ids)
    if _budget() <= 0 or revisions.writes_pending() or not ids:
        return compute(ids) if ids else {}
    stamps = _stamps(tuple(sorted(ids)))  # before any data is read: see revisions.py
    locale = str(get_locale())
    slots = {pid: (name, pid, locale, key) for pid in ids}
    return reuse_each(slots, stamps, compute, size)


def parts(project_id: int) -> dict[str, int]:
    """The revisions of the project's parts and of the people (``revisions.current_parts``),
    once per request; read them before the data of the fragments they stamp."""
    return _parts(project_id)


def part_stamp(revs: dict[str, int], *parts: str) -> tuple[int, ...]:
    """The stamp of a fragment showing some parts of a project (a board column): their
    revisions, whatever is not attributed to parts, and the people."""
    return (
        *(revs.get(part, 0) for part in parts),
        revs.get(revisions.OTHER, 0),
        revs.get(revisions.PEOPLE, 0),
    )


def slot(name: str, project_id: int, key: tuple) -> tuple:
    """Where :func:`cached` keeps a fragment (for :func:`reuse_each` to share it)."""
    return name, project_id, str(get_locale()), key


def reuse_each(slots: dict, stamps: dict, compute: Callable, size: int | None = None) -> dict:
    """``{ident: value}`` for every ident of ``slots`` (``{ident: slot}``), each reused while
    its ``stamps[ident]`` (read before any data) is unchanged; ``compute(idents)`` returns
    the missing ones, all at once (it may leave out those that no longer exist). Idents
    another request is computing are waited for, as in :func:`cached`. ``size``: the bytes
    one value takes (None: an HTML text's own)."""
    budget = _budget()
    if budget <= 0 or revisions.writes_pending():
        return _for_cache(compute, list(slots))
    found, mine, theirs = {}, [], {}
    for ident, where in slots.items():
        value = cache.get(where, stamps[ident])
        if value is not None:
            found[ident] = value
        elif (event := cache.claim(where, stamps[ident])) is None:
            mine.append(ident)
        else:
            theirs[ident] = event
    try:
        if mine:
            fresh = _for_cache(compute, mine)
            if not revisions.writes_pending():
                for ident in mine:
                    if ident in fresh:  # computed: it may leave out one that no longer exists
                        cache.put(slots[ident], stamps[ident], fresh[ident], budget, size)
            found.update(fresh)
    finally:
        for ident in mine:
            cache.release(slots[ident], stamps[ident])
    late = []
    for ident, event in theirs.items():
        event.wait(WAIT)
        value = cache.get(slots[ident], stamps[ident])
        if value is None:
            late.append(ident)  # the other render failed: do it here, store nothing
        else:
            found[ident] = value
    if late:
        found.update(_for_cache(compute, late))
    return found


def with_token(html: str) -> Markup:
    """A fragment's HTML with the viewer's CSRF token in place of the placeholder."""
    if PLACEHOLDER in html:
        html = html.replace(PLACEHOLDER, generate_csrf())
    return Markup(html)  # noqa: S704 - a template's autoescaped output


def page_body(name: str, project, render: Callable[[], str], *key, parts=None) -> Markup:
    """A page's body (or a card) reused while the project's data is unchanged, for viewers
    with the same roles, on the same day (« in 3 days », « late »); ``key``: anything else it
    depends on (a filter, a tab). ``parts``: the parts of the project it shows, when known
    (:func:`part_stamp`); then only their changes, the people's and ``other`` render it."""
    stamp = None if parts is None else part_stamp(_parts(project.id), *parts)
    return cached(name, project.id, (rights_key(project), date.today(), *key), render, stamp)


def rights_key(project) -> tuple[str, ...]:
    """The viewer's roles in ``project``, for a fragment's key: with the project's archived
    state (its data, in the revision), they decide every project permission ``can()`` gives."""
    return tuple(sorted(roles_of(current_user, project)))


@per_request  # a page reusing two kinds of values of the same projects reads them once
def _stamps(ids: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    return revisions.current_many(ids)


@per_request
def _parts(project_id: int) -> dict[str, int]:
    return revisions.current_parts(project_id)


def _budget() -> int:
    return int(float(current_app.config.get("FRAGMENT_CACHE_MB") or 0) * 1024 * 1024)


def _for_cache(compute: Callable, *args):
    """``compute(*args)`` with ``csrf_token()`` rendering the placeholder."""
    g.fragment_placeholder = True
    try:
        return compute(*args)
    finally:
        g.fragment_placeholder = False


def _render_once(slot, stamp, render, budget: int) -> str:
    waiting = cache.claim(slot, stamp)
    if waiting is not None:
        waiting.wait(WAIT)
        html = cache.get(slot, stamp)
        if html is not None:
            return html
        return _render_for_cache(render)  # the other render failed: do it here, store nothing
    try:
        html = _render_for_cache(render)
        if not revisions.writes_pending():  # a render that left uncommitted writes: not stored
            cache.put(slot, stamp, html, budget)
        return html
    finally:
        cache.release(slot, stamp)


def _render_for_cache(render) -> str:
    html = str(_for_cache(render))
    if current_app.testing and generate_csrf() in html:
        raise RuntimeError("a fragment rendered for the cache carries the viewer's CSRF token")
    return html


def csrf_token() -> str:
    """The ``csrf_token()`` of templates: the placeholder while rendering for the cache."""
    if g.get("fragment_placeholder"):
        return PLACEHOLDER
    # Flask-WTF keeps the request's token on `g` under the field's name; asking it again
    # costs ~6 µs of configuration look-ups, and a page of forms asks a hundred times.
    return g.get("csrf_token") or generate_csrf()
