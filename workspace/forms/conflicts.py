"""Optimistic locking in forms: a stale edit gets a conflict showing the current value."""

from __future__ import annotations

from datetime import date

from flask import abort, make_response, render_template
from flask_babel import gettext as _

from workspace.extensions import htmx
from workspace.web.formats import short_date


class Conflict(Exception):
    """Raised by :func:`check_version`; views render it with :func:`conflict_response`.

    ``mine`` is what the person typed, by label (None: the request's fields are shown)."""

    def __init__(self, obj, current: dict, mine: dict | None = None):
        super().__init__("stale version")
        self.obj = obj
        self.current = current
        self.mine = mine


# Fields that are no one's typing: tokens, the version, files (they are not kept either).
_NOT_TYPED = {"CSRFTokenField", "HiddenField", "SubmitField", "FileField", "MultipleFileField"}


def describe(form) -> dict[str, str]:
    """``{label: value as shown}`` of a submitted form: the French labels of its fields, the
    chosen options' labels rather than their values, dates and booleans as people read them."""
    out = {}
    for field in form:
        if field.type in _NOT_TYPED or field.name == "version":
            continue
        out[str(field.label.text)] = _shown(field)
    return out


def _shown(field) -> str:
    if field.type == "BooleanField":
        return _("Oui") if field.data else _("Non")
    if hasattr(field, "iter_choices"):
        chosen = [str(c[1]) for c in field.iter_choices() if c[2] and c[0] not in ("", None)]
        return ", ".join(chosen)
    if isinstance(field.data, date) and not field.errors:
        return short_date(field.data)
    return field._value() if hasattr(field, "_value") else str(field.data or "")


def submitted_version(form_value) -> int:
    try:
        return int(form_value)
    except (TypeError, ValueError):
        abort(400, _("Version manquante ou invalide."))


def check_version(obj, form_value, current: dict | None = None, *, form=None, mine=None) -> None:
    """Refuse an edit made on another version than the stored one.

    ``current`` maps field labels to the values now stored, shown in the conflict dialog next
    to what the person typed: ``form`` (described by its labels, see :func:`describe`) or
    ``mine`` (``{label: value}``) when the request has no form object.
    """
    if submitted_version(form_value) != obj.version:
        raise Conflict(obj, current or {}, describe(form) if form is not None else mine)


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
