"""Declaring API endpoints: permission, input, output, pagination and ETags in one place.

``@endpoint(bp, "/tasks/<int:task_id>", "PATCH", permission="board.edit", body=TASK_IN, ...)``
registers the view on its blueprint and records what the OpenAPI document says about it
(workspace.api.openapi reads the URL map, so the document is generated from the routes).
Every endpoint goes through :func:`workspace.permissions.require` (401 signed out, 404 for
non-members, 403 for members without the permission) and refuses writes with a read token.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from flask import abort, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.errors import ApiError
from workspace.api.fields import MAX_ID, F, Resource
from workspace.extensions import db
from workspace.permissions import load_project, require

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class ApiOperation:
    """What the OpenAPI document says about one endpoint."""

    method: str
    summary: str
    tag: str
    permission: str | None
    body: Resource | None = None
    partial: bool = False
    body_fields: dict[str, F] | None = None
    response: Resource | None = None
    many: bool = False
    query: dict[str, F] = field(default_factory=dict)
    status: int = 200
    if_match: bool = False
    description: str = ""
    binary: bool = False  # the answer is a document (application/octet-stream), not JSON


def endpoint(
    bp,
    rule: str,
    method: str = "GET",
    *,
    summary: str,
    tag: str,
    permission: str | None,
    body: Resource | None = None,
    partial: bool = False,
    body_fields: dict[str, F] | None = None,
    response: Resource | None = None,
    many: bool = False,
    query: dict[str, F] | None = None,
    status: int = 200,
    if_match: bool = False,
    description: str = "",
    name: str | None = None,
    binary: bool = False,
):
    """Register an API view. The view receives the URL values, plus ``data`` (the parsed body)
    when ``body``/``body_fields`` is given and ``args`` (parsed query) when ``query``/``many``."""
    op = ApiOperation(
        method,
        summary,
        tag,
        permission,
        body,
        partial,
        body_fields,
        response,
        many,
        dict(query or {}),
        status,
        if_match,
        description,
        binary,
    )

    def decorator(fn: Callable):
        @wraps(fn)
        def view(**kwargs):
            if any(isinstance(v, int) and v > MAX_ID for v in kwargs.values()):
                abort(404)
            project = load_project(kwargs["project_id"]) if "project_id" in kwargs else None
            if permission is not None:
                require(current_user, project, permission)
            elif not current_user.is_authenticated:
                abort(401)
            if method in WRITE_METHODS:
                check_write_scope()
            extra = {}
            if body is not None:
                extra["data"] = body.parse(_json_body(), partial)
            elif body_fields is not None:
                from workspace.api.fields import parse_fields

                extra["data"] = parse_fields(body_fields, _json_body(), partial)
            if query or many:
                extra["args"] = parse_query(op.query, many)
            return fn(**kwargs, **extra)

        view.api_operation = op
        bp.add_url_rule(rule, endpoint=name or fn.__name__, view_func=view, methods=[method])
        return view

    return decorator


def check_write_scope() -> None:
    token = g.get("api_token")
    if token is not None and not token.can_write:
        raise ApiError(403, _("Ce jeton est en lecture seule : il ne permet pas de modifier."))


def _json_body():
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, _("Corps JSON attendu (Content-Type: application/json)."))
    return data


# --- query strings -------------------------------------------------------------------------


def parse_query(fields: dict[str, F], many: bool) -> dict:
    out: dict = {}
    errors: dict[str, str] = {}
    for name, f in fields.items():
        raw = request.args.get(name)
        if raw is None or (raw == "" and f.kind != "enum"):
            continue  # an empty choice (``?status=``) is refused, as the document says
        try:
            out[name] = _query_value(f, raw)
        except ValueError as exc:
            errors[name] = str(exc)
    if many:
        try:
            out["limit"] = _limit(request.args.get("limit"))
        except ValueError as exc:
            errors["limit"] = str(exc)
        try:
            out["after"] = decode_cursor(request.args.get("cursor"))
        except ValueError as exc:
            errors["cursor"] = str(exc)
    if errors:
        raise ApiError(400, _("Paramètres de requête invalides."), errors)
    return out


def _query_value(f: F, raw: str):
    if f.kind == "integer":
        if not raw.isdigit() or len(raw) > 10:
            raise ValueError(_("Nombre entier attendu."))
        return f.parse(int(raw))
    if f.kind == "boolean":
        if raw not in ("true", "false"):
            raise ValueError(_("« true » ou « false » attendu."))
        return raw == "true"
    return f.parse(raw)


def _limit(raw) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw[:4]) <= MAX_LIMIT or len(raw) > 3:
        raise ValueError(_("Entre 1 et %(n)d.", n=MAX_LIMIT))
    return int(raw)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"c1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(raw) -> int | None:
    """The last id seen, from an opaque cursor (None for the first page)."""
    if raw is None or raw == "":
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        tag, value = text.split(":")
        if tag != "c1" or not value.isdigit() or int(value) > MAX_ID:
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise ValueError(_("Curseur invalide : reprenez celui de la page précédente.")) from None


# --- responses -----------------------------------------------------------------------------


def page(stmt, id_column, args: dict, resource: Resource, descending: bool = False):
    """One page of ``stmt`` ordered by ``id_column`` after the cursor, as a JSON response."""
    after = args.get("after")
    limit = args["limit"]
    if after is not None:
        stmt = stmt.where(id_column < after if descending else id_column > after)
    stmt = stmt.order_by(id_column.desc() if descending else id_column).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1].id) if more and rows else None
    return list_response([resource.dump(r) for r in rows], cursor)


def page_of_list(items: list, args: dict, dump: Callable, id_of: Callable):
    """One page of ``items`` already read (few, computed rather than queried), ordered by
    ``id_of`` after the cursor, as :func:`page` answers."""
    items = sorted(items, key=id_of)
    after, limit = args.get("after"), args["limit"]
    if after is not None:
        items = [i for i in items if id_of(i) > after]
    more = len(items) > limit
    items = items[:limit]
    cursor = encode_cursor(id_of(items[-1])) if more and items else None
    return list_response([dump(i) for i in items], cursor)


def list_response(data: list[dict], cursor: str | None):
    """A page of a list: ``{"data", "next_cursor"}`` and the ``Link`` header to the next."""
    response = jsonify({"data": data, "next_cursor": cursor})
    if cursor:
        params = request.args.to_dict()
        params["cursor"] = cursor
        response.headers["Link"] = f'<{request.base_url}?{urlencode(params)}>; rel="next"'
    return response


def etag_of(obj, resource: Resource) -> str:
    """A strong validator: the row version for versioned rows, a content hash otherwise."""
    version = getattr(obj, "version", None)
    if version is not None:
        return f"{resource.name.lower()}-{obj.id}-v{version}"
    raw = json.dumps(resource.dump(obj), sort_keys=True, default=str)
    return f"{resource.name.lower()}-{obj.id}-" + hashlib.sha256(raw.encode()).hexdigest()[:16]


def item(obj, resource: Resource, status: int = 200):
    """One object as JSON with its ETag."""
    response = jsonify(resource.dump(obj))
    response.status_code = status
    response.set_etag(etag_of(obj, resource))
    return response


def check_if_match(obj, resource: Resource) -> None:
    """Refuse an update without ``If-Match`` (428) or made on a stale version (412)."""
    if not request.headers.get("If-Match"):
        raise ApiError(428)
    cond = request.if_match
    if cond.star_tag:
        return
    if not cond.contains(etag_of(obj, resource)):
        raise ApiError(412)


def no_content():
    return "", 204


def get_or_404(model, object_id: int, project_id: int | None = None):
    """The row of this project, or 404 (another project's row is not found here)."""
    obj = db.session.get(model, object_id) if object_id <= MAX_ID else None
    if obj is None or (project_id is not None and obj.project_id != project_id):
        raise ApiError(404)
    return obj


# --- documents ------------------------------------------------------------------------------

#: JSON Schema of one attached document in a resource's ``files`` list.
FILE_ITEM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "content_type": {"type": "string"},
        "size": {"type": "integer"},
        "url": {"type": "string", "format": "uri", "description": "GET it to download"},
    },
    "required": ["id", "name", "content_type", "size", "url"],
}


def files_field(attachments: Callable, description: str) -> F:
    """A read-only ``files`` field: ``attachments(obj)`` gives rows with a ``file``
    (:class:`~workspace.models.StoredFile`); each is listed with its API download URL."""

    def dump(obj) -> list[dict]:
        return [
            {
                "id": a.file.id,
                "name": a.file.original_name,
                "content_type": a.file.content_type,
                "size": a.file.size,
                "url": url_for(
                    "api.download_file",
                    project_id=a.file.project_id,
                    file_id=a.file.id,
                    _external=True,
                ),
            }
            for a in attachments(obj)
        ]

    return F("list", read_only=True, source=dump, items=FILE_ITEM, description=description)
