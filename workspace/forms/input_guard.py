"""Keep control characters out of the database, whatever the endpoint.

NUL: PostgreSQL's text type cannot store it (``\\x00``): a value carrying one failed there with
a database error (503) after the view had done part of its work, while SQLite stored it, so the
same input behaved differently on the two databases. The other C0 control characters (ESC,
``\\x01``…, all but tab, line feed and carriage return) are stored by both, but XML cannot
hold them, so a title carrying one broke the XLSX and DOCX exports (500) for the whole project.
No user types them: they come from a broken client, a bad copy-paste or a probe.

Before any view runs, in the query string, the form fields and the upload names, NUL is
replaced with U+FFFD, the Unicode replacement character (as browsers do with undecodable
bytes), and the other C0 controls are removed: the request then goes through the usual
validation (a TOTP code with a NUL is refused next to its field; a task title keeps the rest of
its text), nothing fails in the database and nothing else is lost. The API's JSON bodies and
query strings are refused field by field by its own schemas instead
(``workspace.api.schemas``: « Caractère non permis. »). Exporters pass old data through
:func:`xml_safe`.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict

NUL = "\x00"
REPLACEMENT = "\ufffd"
#: C0 control characters other than NUL, tab, line feed and carriage return.
CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")
#: What XML 1.0 cannot hold among the C0 controls (NUL included).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_control_characters(text: str) -> bool:
    """NUL or another C0 control that a text field does not accept (what XML cannot hold)."""
    return XML_ILLEGAL.search(text) is not None


def xml_safe(value):
    """``value`` without the characters XML cannot hold (non-strings unchanged)."""
    return XML_ILLEGAL.sub("", value) if isinstance(value, str) else value


def _clean(text: str) -> str:
    return CONTROLS.sub("", text.replace(NUL, REPLACEMENT))


def _cleaned(pairs) -> ImmutableMultiDict | None:
    """A copy of the multidict with control characters handled, or None when there is none."""
    items = list(pairs.items(multi=True))
    if not any(
        has_control_characters(k) or (isinstance(v, str) and has_control_characters(v))
        for k, v in items
    ):
        return None
    return ImmutableMultiDict((_clean(k), _clean(v) if isinstance(v, str) else v) for k, v in items)


def clean_control_characters() -> None:
    """Rewrite ``request.args`` and ``request.form`` (and upload names) without NUL or other
    C0 controls. The API's query strings are left as sent: its schemas refuse a control
    character next to the parameter (400), as they do in JSON bodies, rather than read a
    shorter value than the one the client sent and the document bounds."""
    args = None if request.path.startswith("/api/") else _cleaned(request.args)
    if args is not None:
        request.args = args
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        form = _cleaned(request.form)
        if form is not None:
            request.form = form
        for upload in request.files.values():
            name = upload.filename if isinstance(upload, FileStorage) else None
            if name and has_control_characters(name):
                upload.filename = _clean(name)
    if args is not None or request.method != "GET":
        request.__dict__.pop("values", None)  # recomputed from the cleaned parts


def init_input_guard(app: Flask) -> None:
    """Register the rewrite first, so that every later hook and view sees clean values."""
    app.before_request_funcs.setdefault(None, []).insert(0, clean_control_characters)
