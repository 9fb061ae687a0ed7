"""Per-request memoisation of read-only queries, dropped as soon as the request writes.

Several dashboard cards need the same derived data (every indicator's status, the reporting
calendar): computing it once per request instead of once per card halves the page's time.
The memo lives in the WSGI environ of the current request, so it never outlives it (tests
reuse one application context for many requests, which rules out ``flask.g``), and it is
emptied by every flush and every ORM insert, update or delete statement, so a value computed
before a change in the same request is never served after it.
"""

from __future__ import annotations

import functools

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

KEY = "coopilote.memo"


def per_request(fn):
    """Decorator: ``fn(*args)`` computed once per request for the same (hashable) args."""

    @functools.wraps(fn)
    def wrapper(*args):
        if not has_request_context():
            return fn(*args)
        store = request.environ.setdefault(KEY, {})
        key = (wrapper, args)
        if key not in store:
            store[key] = fn(*args)
        return store[key]

    return wrapper


def forget() -> None:
    """Drop every memoised value of the current request (after any write)."""
    if has_request_context():
        request.environ.pop(KEY, None)


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:
    forget()


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    if not state.is_select:
        forget()
