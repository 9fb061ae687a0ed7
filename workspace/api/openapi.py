"""The OpenAPI 3.1 document, generated from the URL map, and its HTML reference page.

Every view registered with :func:`workspace.api.core.endpoint` carries an ``api_operation``;
this module walks ``app.url_map`` (core and plugin API blueprints alike), turns each rule into
a path (``<int:task_id>`` → ``{task_id}``) and each field declaration into JSON Schema
(OpenAPI 3.1 uses JSON Schema 2020-12: nullable is ``"type": ["string", "null"]``).
"""

from __future__ import annotations

import re

from apispec import APISpec
from flask import current_app, jsonify, render_template

from workspace.api.blueprints import bp
from workspace.api.core import DEFAULT_LIMIT, MAX_LIMIT, ApiOperation
from workspace.api.fields import MAX_ID

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
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}
_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path_of(rule: str) -> str:
    return _ARG.sub(lambda m: "{" + m.group(2) + "}", rule)


def _path_params(rule) -> list[dict]:
    out = []
    for converter, name in _ARG.findall(rule.rule):
        schema = (
            {"type": "integer", "minimum": 0, "maximum": MAX_ID}
            if converter == "int"
            else {"type": "string"}
        )
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


def _query_params(op: ApiOperation) -> list[dict]:
    out = [
        {"name": n, "in": "query", "required": False, "schema": f.schema()}
        for n, f in op.query.items()
    ]
    if op.many:
        out += [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                "description": f"Page size (default {DEFAULT_LIMIT})",
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "maxLength": 100},
                "description": "Opaque cursor: next_cursor of the previous page",
            },
        ]
    if op.if_match:
        out.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "The ETag read with GET (required: 428 without it)",
            }
        )
    return out


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _success(op: ApiOperation, spec: APISpec) -> dict:
    if op.binary:
        document = {"schema": {"type": "string", "format": "binary"}}
        return {"200": {"description": "The document", "content": {"*/*": document}}}
    if op.status == 204 or op.response is None:
        return {"204": {"description": "Done"}}
    name = op.response.name
    _register(spec, name, op.response.output_schema())
    if op.many:
        page = f"{name}Page"
        _register(
            spec,
            page,
            {
                "type": "object",
                "properties": {
                    "data": {"type": "array", "items": _ref(name)},
                    "next_cursor": {"type": ["string", "null"]},
                },
                "required": ["data", "next_cursor"],
            },
        )
        schema = _ref(page)
    else:
        schema = _ref(name)
    headers = {} if op.many else {"ETag": {"schema": {"type": "string"}}}
    return {
        str(op.status): {
            "description": "OK",
            "headers": headers,
            "content": {"application/json": {"schema": schema}},
        }
    }


def _register(spec: APISpec, name: str, schema: dict) -> None:
    if name not in spec.components.schemas:
        spec.components.schema(name, schema)


def _request_body(op: ApiOperation, spec: APISpec, endpoint: str) -> dict | None:
    if op.body is not None:
        name = f"{op.body.name}{'Update' if op.partial else 'Create'}"
        _register(spec, name, op.body.input_schema(op.partial))
    elif op.body_fields is not None:
        name = "".join(p.title() for p in re.split(r"[._]", endpoint)) + "Body"
        props = {n: f.schema() for n, f in op.body_fields.items()}
        schema = {"type": "object", "properties": props, "additionalProperties": False}
        required = [n for n, f in op.body_fields.items() if f.required]
        if required and not op.partial:
            schema["required"] = required
        _register(spec, name, schema)
    else:
        return None
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _errors(op: ApiOperation) -> dict:
    codes = [400, 401, 403, 404, 429]
    if op.method != "GET":
        codes.append(409)
    if op.if_match:
        codes += [412, 428]
    return {
        str(c): {
            "description": ERROR_CODES[c],
            "content": {"application/json": {"schema": _ref("Error")}},
        }
        for c in sorted(codes)
    }


def build_spec(app) -> dict:
    """The document: flask-smorest's (workspace.api.spec), plus the endpoints still declared
    with :func:`workspace.api.core.endpoint`."""
    spec = app.extensions["coopilote.api"].spec
    _register(spec, "Error", ERROR_SCHEMA)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op = getattr(app.view_functions.get(rule.endpoint), "api_operation", None)
        if op is None:
            continue
        operation = {
            "operationId": rule.endpoint.replace(".", "_"),
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": _path_params(rule) + _query_params(op),
            "responses": {**_success(op, spec), **_errors(op)},
            "x-permission": op.permission or "signed-in",
        }
        if op.description:
            operation["description"] = op.description
        body = _request_body(op, spec, rule.endpoint)
        if body:
            operation["requestBody"] = body
        paths.setdefault(_path_of(rule.rule), {})[op.method.lower()] = operation
    doc = spec.to_dict()
    for path, operations in paths.items():
        doc["paths"].setdefault(path, {}).update(operations)
    doc["paths"] = dict(sorted(doc["paths"].items()))
    return doc


def document() -> dict:
    """The document of the running app (built once per process)."""
    cache = current_app.extensions.setdefault("coopilote.openapi", {})
    if "doc" not in cache:
        cache["doc"] = build_spec(current_app)
    return cache["doc"]


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(document())


@bp.route("/docs")
def docs():
    """A server-side reference of the document (no CDN, no script)."""
    doc = document()
    return render_template(
        "api/docs.html", doc=doc, by_tag=by_tag(doc), schemas=doc["components"]["schemas"]
    )


def by_tag(doc: dict) -> dict[str, list]:
    """The operations of ``doc`` by tag, each with its path's parameters and the shared
    parameters and responses it refers to (``$ref``) written out."""
    components = doc["components"]

    def resolved(obj: dict, kind: str) -> dict:
        if "$ref" in obj:
            return components[kind][obj["$ref"].rsplit("/", 1)[-1]]
        return obj

    out: dict[str, list] = {}
    for path, item in doc["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method == "parameters":
                continue
            op = dict(op)
            params = shared + op.get("parameters", [])
            op["parameters"] = [resolved(p, "parameters") for p in params]
            op["responses"] = {
                code: resolved(r, "responses") for code, r in op["responses"].items()
            }
            out.setdefault(op["tags"][0], []).append((method.upper(), path, op))
    return out
