"""The usual operations of a resource, declared in one call each on an ``ApiBlueprint``.

- ``api_bp.listing(rule, Model, Schema, …)``: a page of the project's rows, each filter that
  names a column compared for equality, ``where`` for the others;
- ``api_bp.read(rule, Model, Schema, …)``: one row of the project, or 404;
- ``@api_bp.create(rule, Schema, …)``: the view makes the object from the parsed body; it is
  committed and answered with 201 and its ETag;
- ``@api_bp.update(rule, Model, Schema, …)``: the view changes the object found (its ETag
  already matched ``If-Match``); it is committed and answered.

``Model`` may be a loader instead, ``load(**url_values)`` returning the object or raising
404 (a task in the trash, a comment the caller may not see). Every one of them goes through
:meth:`ApiBlueprint.operation`: permission, token scope, schemas, errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from workspace.api.errors import ApiError
from workspace.api.pages import page
from workspace.api.schemas import MAX_ID, ApiSchema, body_of
from workspace.extensions import db

_LAST_ID = re.compile(r"<int:(\w+)>$")


def get_or_404(model, object_id: int, project_id: int | None = None):
    """The row of this project, or 404 (another project's row is not found here)."""
    obj = db.session.get(model, object_id) if object_id <= MAX_ID else None
    if obj is None or (project_id is not None and obj.project_id != project_id):
        raise ApiError(404)
    return obj


def loader(rule: str, model_or_load) -> Callable:
    """``model_or_load`` if it is a function; for a model, its row whose id is the rule's last
    value (``/tasks/<int:task_id>``), in the URL's project when there is one."""
    if not isinstance(model_or_load, type):
        return model_or_load
    name = _LAST_ID.search(rule).group(1)

    def load(**url):
        return get_or_404(model_or_load, url[name], url.get("project_id"))

    return load


def children_of(parent, key: str, column) -> Callable:
    """A ``where`` for the rows under a parent (``/indicators/<int:indicator_id>/reviews``):
    the parent of the URL's project, or 404, and its rows."""

    def where(stmt, args, **url):
        get_or_404(parent, url[key], url.get("project_id"))
        return stmt.where(column == url[key])

    return where


def _named(fn: Callable, name: str, summary: str) -> Callable:
    fn.__name__, fn.__doc__ = name, summary
    return fn


class CrudMixin:
    """The four usual operations (see the module's docstring)."""

    def listing(
        self,
        rule: str,
        model,
        schema: type[ApiSchema],
        *,
        permission: str,
        summary: str,
        endpoint: str,
        filters: type[ApiSchema] | None = None,
        where: Callable | None = None,
        descending: bool = False,
        tag: str | None = None,
    ):
        """GET ``rule``: a page of ``model`` rows of the URL's project, by id. ``where(stmt,
        args, **url)`` adds what plain equality does not say (a join, the parent's rows)."""
        columns = model.__table__.columns

        def view(args, **url):
            stmt = db.select(model)
            if "project_id" in url and "project_id" in columns:
                stmt = stmt.filter_by(project_id=url["project_id"])
            for name, value in args.items():
                if name in columns and name not in ("limit", "cursor"):
                    stmt = stmt.where(columns[name] == value)
            if where is not None:
                stmt = where(stmt, args, **url)
            return page(stmt, model.id, args, descending=descending)

        return self.operation(
            rule,
            permission=permission,
            response=schema,
            many=True,
            query=filters,
            tag=tag,
        )(_named(view, endpoint, summary))

    def read(
        self,
        rule: str,
        model_or_load,
        schema: type[ApiSchema],
        *,
        permission: str | None,
        summary: str,
        endpoint: str,
        tag: str | None = None,
    ):
        """GET ``rule``: one object, with its ETag."""
        load = loader(rule, model_or_load)

        def view(**url):
            return load(**url)

        return self.operation(rule, permission=permission, response=schema, tag=tag)(
            _named(view, endpoint, summary)
        )

    def create(
        self,
        rule: str,
        schema: type[ApiSchema],
        *,
        permission: str,
        body: type[ApiSchema] | None = None,
        tag: str | None = None,
    ):
        """Decorator: POST ``rule`` with ``body`` (the schema's ``…Create`` by default); the
        view returns the new object, committed here and answered with 201."""

        def decorator(fn):
            def view(data, **url):
                new = fn(data, **url)
                db.session.commit()
                return new

            return self.operation(
                rule,
                "POST",
                permission=permission,
                body=body or body_of(schema, "Create"),
                response=schema,
                status=201,
                tag=tag,
            )(_named(view, fn.__name__, fn.__doc__))

        return decorator

    def update(
        self,
        rule: str,
        model_or_load,
        schema: type[ApiSchema],
        *,
        permission: str,
        body: type[ApiSchema] | None = None,
        tag: str | None = None,
    ):
        """Decorator: PATCH ``rule`` with ``body`` (the schema's ``…Update`` by default,
        every field optional); the view gets the body and the object found, whose ETag
        matched ``If-Match`` (428, 412 otherwise); the change is committed and answered."""
        load = loader(rule, model_or_load)

        def decorator(fn):
            def view(data, **url):
                obj = load(**url)
                self.check_etag(obj, schema)
                fn(data, obj)
                db.session.commit()
                return obj

            return self.operation(
                rule,
                "PATCH",
                permission=permission,
                body=body or body_of(schema, "Update", partial=True),
                response=schema,
                tag=tag,
            )(_named(view, fn.__name__, fn.__doc__))

        return decorator
