"""Optimistic locking in forms: a stale edit gets a conflict showing the current value."""

from __future__ import annotations

from flask import abort, make_response, render_template
from flask_babel import gettext as _

from workspace.extensions import htmx


class Conflict(Exception):
    """Raised by :func:`check_version`; views render it with :func:`conflict_response`."""

    def __init__(self, obj, current: dict):
        super().__init__("stale version")
        self.obj = obj
        self.current = current


def submitted_version(form_value) -> int:
    try:
        return int(form_value)
    except (TypeError, ValueError):
        abort(400, _("Version manquante ou invalide."))


def check_version(obj, form_value, current: dict | None = None) -> None:
    """Refuse an edit made on another version than the stored one.

    ``current`` maps field labels to the values now stored, shown in the conflict dialog next
    to what the person typed.
    """
    if submitted_version(form_value) != obj.version:
        raise Conflict(obj, current or {})


def conflict_response(conflict: Conflict, mine: dict | None = None):
    """409: the dialog with both versions (a fragment for htmx, a page otherwise)."""
    html = render_template(
        "_conflict.html" if htmx else "conflict.html",
        current=conflict.current,
        mine=mine or {},
        version=conflict.obj.version,
    )
    response = make_response(html, 409)
    if htmx:
        response.headers["HX-Retarget"] = "#dialogs"
        response.headers["HX-Reswap"] = "innerHTML"
    return response
