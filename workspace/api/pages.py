"""Lists of the API: cursor pagination (``limit``, ``cursor``) and filters in the query string.

A list answers ``{"data": [...], "next_cursor": "…"}`` and a ``Link`` header to the next page;
its filters are a :class:`CursorArgs` subclass (query-string text is turned into the
fields' types first).
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import marshmallow as ma
from flask import request
from flask_babel import gettext as _

from workspace.api.schemas import MAX_ID, ApiSchema, Bool, Int, Listing, Text
from workspace.extensions import db

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class QuerySchema(ApiSchema):
    """Filters of a list: query-string values are text, turned into the fields' types
    first; an empty free text is no filter, any other empty value (a choice, a number, a
    boolean) is refused, as the document says."""

    output = False

    class Meta:
        unknown = ma.EXCLUDE

    @ma.pre_load
    def _from_text(self, data, **kwargs):
        out = {}
        for key in data:
            field, raw = self.fields.get(key), data[key]
            if field is None or (raw == "" and isinstance(field, Text)):
                continue
            if isinstance(field, Int) and raw.isdigit() and len(raw) <= 10:
                raw = int(raw)
            elif isinstance(field, Bool) and raw in ("true", "false"):
                raw = raw == "true"
            out[key] = raw
        return out


class Cursor(Text):
    """The opaque cursor of the next page: the last id seen."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            tag, last = text.split(":")
            if tag != "c1" or not last.isdigit() or int(last) > MAX_ID:
                raise ValueError
            return int(last)
        except (ValueError, UnicodeDecodeError, TypeError):
            self.fail(_("Curseur invalide : reprenez celui de la page précédente."))


class CursorArgs(QuerySchema):
    """``limit`` and ``cursor`` of every list; a list's filters extend it."""

    limit = Int(minimum=1, maximum=MAX_LIMIT, load_default=DEFAULT_LIMIT, description="Page size")
    cursor = Cursor(max_length=100, description="Opaque cursor: next_cursor of the previous page")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"c1:{last_id}".encode()).decode().rstrip("=")


_PAGES: dict[type, type] = {}


def page_of(schema: type[ApiSchema]) -> type[ApiSchema]:
    """The schema of a page of ``schema`` (``TaskPage``): ``data`` and ``next_cursor``."""
    if schema not in _PAGES:
        name = schema.__name__.removesuffix("Schema")
        _PAGES[schema] = ApiSchema.from_dict(
            {
                "data": Listing(ma.fields.Nested(schema), dump_only=True),
                "next_cursor": Text(dump_only=True, allow_none=True),
            },
            name=f"{name}PageSchema",
        )
    return _PAGES[schema]


def page(stmt, id_column, args: dict, descending: bool = False):
    """One page of ``stmt`` ordered by ``id_column`` after the cursor; the ``Link`` header
    points to the next one."""
    after, limit = args.get("cursor"), args["limit"]
    if after is not None:
        stmt = stmt.where(id_column < after if descending else id_column > after)
    stmt = stmt.order_by(id_column.desc() if descending else id_column).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    return _paged(rows, limit, lambda r: r.id)


def page_of_list(items: list, args: dict, id_of):
    """One page of ``items`` already read (few, computed rather than queried), ordered by
    ``id_of`` after the cursor, as :func:`page` answers."""
    items = sorted(items, key=id_of)
    after = args.get("cursor")
    if after is not None:
        items = [i for i in items if id_of(i) > after]
    return _paged(items, args["limit"], id_of)


def _paged(rows: list, limit: int, id_of):
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(id_of(rows[-1])) if more and rows else None
    headers = {}
    if cursor:
        params = request.args.to_dict()
        params["cursor"] = cursor
        headers["Link"] = f'<{request.base_url}?{urlencode(params)}>; rel="next"'
    return {"data": rows, "next_cursor": cursor}, 200, headers
