"""What every resource of the API shares, on flask-smorest: its blueprint, its permission,
its errors, its pages and its ETags.

A plugin declares a resource like this (``plugins/checklists/api.py``)::

    api_bp = ApiBlueprint("checklists_api", __name__, tag="checklists")

    @api_bp.route("/items/<int:item_id>", methods=["PATCH"], endpoint="update_item")
    @requires("checklists.edit")
    @api_bp.arguments(ItemUpdate)
    @api_bp.response(200, ItemSchema)
    @api_bp.etag
    def update_item(data, project_id, item_id):
        "Change an item's status (the docstring is the operation's summary)."
        current = get_or_404(Item, item_id, project_id)
        api_bp.check_etag(current, ItemSchema)
        ...
        return current

- :func:`requires` checks the permission through ``can()`` (401 signed out, 404 for
  non-members, 403 without the permission) and the token's scope, before anything else;
- ``arguments`` parses the body or the query with a marshmallow schema; a refusal is a
  400 with a message per field (:class:`ApiParser`);
- ``response`` dumps the result; ``etag`` adds the ETag, and on PUT/PATCH/DELETE demands
  ``If-Match`` (428) and compares it (412) when the view calls ``check_etag``;
- lists are pages of ``{"data", "next_cursor"}`` (workspace.api.pages).
"""

from __future__ import annotations

from contextlib import contextmanager
from copy import deepcopy
from functools import wraps

from flask import Response, abort, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.etag import _get_etag_ctx
from flask_smorest.utils import resolve_schema_instance
from webargs.flaskparser import FlaskParser

from workspace.api.crud import CrudMixin, get_or_404
from workspace.api.errors import ApiError
from workspace.api.pages import CursorArgs, page_of
from workspace.api.schemas import ApiSchema
from workspace.extensions import db
from workspace.permissions import load_project, require

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PRECONDITIONS = {412: "PRECONDITION_FAILED", 428: "PRECONDITION_REQUIRED"}


class ApiParser(FlaskParser):
    """webargs' parser answering the API's error shape: 400, a message per field."""

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        data = req.get_json(silent=True) if req.is_json else None
        if data is None:
            raise ApiError(400, _("Corps JSON attendu (Content-Type: application/json)."))
        return data

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        (location, messages), *_rest = error.messages.items()
        fields = {str(k)[:60]: _first(v) for k, v in messages.items() if k != "_schema"}
        if "_schema" in messages:
            raise ApiError(400, _first(messages["_schema"]), fields)
        if location == "query":
            raise ApiError(400, _("Paramètres de requête invalides."), fields)
        raise ApiError(400, _("Certaines informations sont invalides."), fields)


def _first(message) -> str:
    while isinstance(message, (list, dict)):
        message = next(iter(message.values() if isinstance(message, dict) else message))
    return str(message)


class NotModified(ApiError):
    """304 to a GET whose ``If-None-Match`` holds the current ETag: no body."""

    def __init__(self, etag: str):
        super().__init__(304)
        self.etag = etag

    def get_response(self, environ=None, scope=None):
        response = Response(status=304)
        response.set_etag(self.etag)
        return response


class ApiBlueprint(CrudMixin, Blueprint):
    """A smorest blueprint of the API: ``tag`` groups its operations in the document; the
    usual operations come from :class:`~workspace.api.crud.CrudMixin`."""

    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, name: str, import_name: str, *, tag: str, **kwargs):
        super().__init__(name, import_name, **kwargs)
        self.tag = tag

    def route(self, rule, *, parameters=None, tags=None, **options):
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

    def operation(
        self,
        rule: str,
        method: str = "GET",
        *,
        permission: str | None,
        response: type[ApiSchema] | None = None,
        many: bool = False,
        query: type[ApiSchema] | None = None,
        body: type[ApiSchema] | None = None,
        status: int = 200,
        etag: bool | None = None,
        if_match: bool = False,
        tag: str | None = None,
        doc: dict | None = None,
        endpoint: str | None = None,
    ):
        """smorest's decorators in the usual order, in one line: ``route``, :func:`requires`,
        ``etag``, ``arguments`` (query, then body), ``response``. ``many``: a page of
        ``response`` filtered by ``query`` (:class:`CursorArgs` by default). The view gets
        the parsed query, then the parsed body, then the URL's values. One object answered
        carries its ETag (``etag``, by default); a PATCH or PUT then demands ``If-Match``, as
        does a POST declared ``if_match`` (its view calls ``check_etag``). ``tag`` overrides
        the blueprint's; ``doc`` is added to the operation's document as it is."""
        if etag is None:
            etag = response is not None and not many

        def decorator(fn):
            view = fn
            if many:
                view = self.response(status, page_of(response))(view)
            elif response is not None or status == 204:
                view = self.response(status, response)(view)
            if body is not None:
                view = self.arguments(body)(view)
            if many or query is not None:
                view = self.arguments(query or CursorArgs, location="query")(view)
            if etag:
                view = self.etag(view)
            if if_match:
                view = self.doc(parameters=["IF_MATCH"], responses=PRECONDITIONS)(view)
            if doc:
                view = self.doc(**doc)(view)
            view = requires(permission)(view)
            tags = [tag] if tag else None
            self.route(rule, methods=[method], endpoint=endpoint or fn.__name__, tags=tags)(view)
            return view

        return decorator

    def _check_precondition(self):
        if request.method in self.METHODS_NEEDING_CHECK_ETAG and not request.if_match:
            raise ApiError(428)

    def check_etag(self, etag_data, etag_schema=None):
        """Refuse a change made on a stale version (412) or without ``If-Match`` (428);
        ``If-Match: *`` always matches."""
        if not request.if_match:
            raise ApiError(428)
        if etag_schema is not None:
            etag_data = resolve_schema_instance(etag_schema).dump(etag_data)
        _get_etag_ctx()["etag_checked"] = True
        if self._generate_etag(etag_data) not in request.if_match:
            raise ApiError(412)

    def _check_not_modified(self, etag):
        if request.method in self.METHODS_CHECKING_NOT_MODIFIED and etag in request.if_none_match:
            raise NotModified(etag)


def requires(permission: str | None):
    """Check ``permission`` on the project of the URL (or, with ``None``, only that someone
    is signed in) and, on writes, that the token may write — before the body is read.
    (An id beyond PostgreSQL's integers matches no route: see ``workspace._DbInt``.)"""

    def decorator(fn):
        @wraps(fn)
        def view(*args, **kwargs):
            project = load_project(kwargs["project_id"]) if "project_id" in kwargs else None
            if permission is not None:
                require(current_user, project, permission)
            elif not current_user.is_authenticated:
                abort(401)
            if request.method in WRITE_METHODS:
                check_write_scope()
            return fn(*args, **kwargs)

        view._apidoc = deepcopy(getattr(fn, "_apidoc", {}))
        manual = view._apidoc.setdefault("manual_doc", {})
        manual["x-permission"] = permission or "signed-in"
        return view

    return decorator


@contextmanager
def refused(errors, code: int = 400, field: str | None = None):
    """An operation's refusal (``errors``: its exception classes) as an API error: nothing
    of it is kept (rollback), its message goes to ``field`` when given."""
    try:
        yield
    except errors as exc:
        db.session.rollback()
        if field is not None:
            invalid({field: str(exc)})
        raise ApiError(code, str(exc)) from None


def invalid(fields: dict[str, str]):
    """Refuse the request: 400 with a message per field."""
    raise ApiError(400, _("Certaines informations sont invalides."), fields)


def check_write_scope() -> None:
    token = g.get("api_token")
    if token is not None and not token.can_write:
        raise ApiError(403, _("Ce jeton est en lecture seule : il ne permet pas de modifier."))


__all__ = ["ApiBlueprint", "get_or_404", "invalid", "refused", "requires"]
