"""Refuse text that no database column can hold, before any view sees it.

PostgreSQL's text type cannot store the NUL character (``\\x00``): a value carrying one would
reach the database and fail there, after the view had done part of its work. SQLite would store
it, so the same input would behave differently on the two databases. One ``before_request``
check on the query string, the form fields and the upload names answers 400 with the names of
the offending fields instead (a JSON error for API calls, a toast for htmx, a page otherwise).
JSON bodies are checked field by field by the API's own parser (``workspace.api.fields``).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from .errors import error_response

FORBIDDEN = "\x00"
MESSAGE = _l("Caractère non permis (caractère nul).")


def offending_fields() -> list[str]:
    """Names of the query, form and upload fields whose value holds a forbidden character."""
    names = [k for k, v in request.args.items(multi=True) if FORBIDDEN in k + v]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        names += [k for k, v in request.form.items(multi=True) if FORBIDDEN in k + v]
        names += [
            k for k, f in request.files.items(multi=True) if FORBIDDEN in k + (f.filename or "")
        ]
    return list(dict.fromkeys(name.replace(FORBIDDEN, "") for name in names))


def init_input_guard(app: Flask) -> None:
    """Register the check; it runs before CSRF and permission checks, which is harmless:
    the request is refused either way and nothing is read from the database."""

    @app.before_request
    def refuse_nul_characters():
        names = offending_fields()
        if names:
            return error_response(400, MESSAGE, fields={n: str(MESSAGE) for n in names})
        return None
