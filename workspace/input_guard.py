"""Keep the NUL character out of the database, whatever the endpoint.

PostgreSQL's text type cannot store NUL (``\\x00``): a value carrying one failed there with a
database error (503) after the view had done part of its work, while SQLite stored it, so the
same input behaved differently on the two databases. No user types a NUL: it comes from a
broken client or a probe. Before any view runs, NUL in the query string, the form fields and
the upload names is replaced with U+FFFD, the Unicode replacement character, as browsers do
with undecodable bytes: the request then goes through the usual validation (a TOTP code with
a NUL is refused next to its field; a task title keeps the rest of its text), nothing fails in
the database and nothing else is lost. JSON bodies are refused field by field by the API's
own parser instead (``workspace.api.fields``: « Caractère non permis. »).
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict

NUL = "\x00"
REPLACEMENT = "\ufffd"


def _clean(text: str) -> str:
    return text.replace(NUL, REPLACEMENT)


def _cleaned(pairs) -> ImmutableMultiDict | None:
    """A copy of the multidict with NUL replaced, or None when there is none."""
    items = list(pairs.items(multi=True))
    if not any(NUL in k or (isinstance(v, str) and NUL in v) for k, v in items):
        return None
    return ImmutableMultiDict((_clean(k), _clean(v) if isinstance(v, str) else v) for k, v in items)


def replace_nul_characters() -> None:
    """Rewrite ``request.args`` and ``request.form`` (and upload names) without NUL."""
    args = _cleaned(request.args)
    if args is not None:
        request.args = args
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        form = _cleaned(request.form)
        if form is not None:
            request.form = form
        for upload in request.files.values():
            if isinstance(upload, FileStorage) and upload.filename and NUL in upload.filename:
                upload.filename = _clean(upload.filename)
    if args is not None or request.method != "GET":
        request.__dict__.pop("values", None)  # recomputed from the cleaned parts


def init_input_guard(app: Flask) -> None:
    """Register the rewrite first, so that every later hook and view sees clean values."""
    app.before_request_funcs.setdefault(None, []).insert(0, replace_nul_characters)
