"""The flask-smorest ``Api`` of Coopilote and the conventions it adds to the OpenAPI document.

flask-smorest (apispec underneath) builds the document from the blueprints' marshmallow
schemas and decorators. :class:`Conventions` adds what every operation shares: its
``operationId`` (the Flask endpoint, dots as underscores: ``board_api_update_task``), the
error statuses any call may get (one JSON shape, :class:`ErrorSchema`), and, for the
schemas the server sends, every property documented as always present.
"""

from __future__ import annotations

import http

import marshmallow as ma
from apispec import BasePlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_smorest import Api

ERROR_CODES = {
    400: "Invalid input (see error.fields)",
    401: "No valid token or session",
    403: "Not allowed for your role, or a read-only token",
    404: "Not found, or not visible to you",
    409: "Refused by a business rule or the current state",
    412: "If-Match does not match the current ETag (stale version)",
    428: "If-Match header is required",
    429: "Rate limit exceeded (see Retry-After)",
}
#: Statuses every operation may answer (409 too for changes).
COMMON = (400, 401, 403, 404, 429)


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.Integer(required=True)
    message = ma.fields.String(required=True)
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)


class ErrorSchema(ma.Schema):
    """``{"error": {"code", "message", "fields"}}``: ``fields`` maps a field to its message."""

    error = ma.fields.Nested(ErrorDetailSchema, required=True)


class Conventions(BasePlugin):
    """apispec plugin: operation ids, common error statuses, output schemas' ``required``."""

    def path_helper(self, path=None, operations=None, parameters=None, **kwargs):
        """Path parameters on each operation, as clients generated from it expect."""
        if parameters:
            for operation in (operations or {}).values():
                operation["parameters"] = [*parameters, *operation.get("parameters", [])]
            parameters.clear()

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            if rule is not None:
                operation.setdefault("operationId", rule.endpoint.replace(".", "_"))
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            for code in COMMON + (() if method == "get" else (409,)):
                if code not in responses and str(code) not in responses:
                    responses[code] = http.HTTPStatus(code).name
            operation["responses"] = dict(sorted(responses.items(), key=lambda r: str(r[0])))

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        cls = resolve_schema_cls(schema) if schema is not None else None
        if cls is None or not getattr(cls, "output", False):
            return None
        extra = {"required": list(definition.get("properties", {}))}
        if cls.__doc__ and "description" not in definition:
            extra["description"] = cls.__doc__.strip().split("\n\n")[0]
        return extra


class CoopiloteApi(Api):
    """flask-smorest's ``Api``, without its error handlers (the app's own answer JSON under
    ``/api/``, see workspace.web.errors and workspace.api.errors) nor its documentation
    blueprint (``/api/v1/openapi.json`` and ``/api/v1/docs`` are served by the API)."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": ERROR_CODES.get(status, status.phrase)}
            if status >= 400:
                response["content"] = {"application/json": {"schema": self.ERROR_SCHEMA}}
            self.spec.components.response(status.name, response, lazy=True)

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register ``blp`` on the app and its operations in the document (tagged with the
        blueprint's ``tag``)."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)


def make_api(app) -> CoopiloteApi:
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    api = CoopiloteApi(
        app,
        spec_kwargs={
            "title": "Coopilote API",
            "version": "1.0.0",
            "info": {
                "description": "JSON API of Coopilote: the same permissions as the pages. "
                "Authenticate with a personal access token (Authorization: Bearer …).",
            },
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}, {"session": []}],
            "extra_plugins": [Conventions()],
        },
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    return api
