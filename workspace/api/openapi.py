"""The OpenAPI 3.1 document and its HTML reference page.

flask-smorest builds the document from the API blueprints' schemas and decorators
(workspace.api.spec); this module serves it at ``/api/v1/openapi.json`` and renders it, on
the server, at ``/api/v1/docs`` (no CDN, no script).
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template

from workspace.api.blueprints import ui_bp


def document() -> dict:
    """The document of the running app (built once per process)."""
    cache = current_app.extensions.setdefault("coopilote.openapi", {})
    if "doc" not in cache:
        doc = current_app.extensions["coopilote.api"].spec.to_dict()
        doc["paths"] = dict(sorted(doc["paths"].items()))
        cache["doc"] = doc
    return cache["doc"]


@ui_bp.route("/api/v1/openapi.json")
def openapi_json():
    return jsonify(document())


@ui_bp.route("/api/v1/docs")
def docs():
    """A server-side reference of the document."""
    doc = document()
    return render_template(
        "api/docs.html", doc=doc, by_tag=by_tag(doc), schemas=doc["components"]["schemas"]
    )


def by_tag(doc: dict) -> dict[str, list]:
    """The operations of ``doc`` by tag, each with the shared parameters and responses it
    refers to (``$ref``) written out."""
    components = doc["components"]

    def resolved(obj: dict, kind: str) -> dict:
        if "$ref" in obj:
            return components[kind][obj["$ref"].rsplit("/", 1)[-1]]
        return obj

    out: dict[str, list] = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            op = dict(op)
            op["parameters"] = [resolved(p, "parameters") for p in op.get("parameters", [])]
            op["responses"] = {
                code: resolved(r, "responses") for code, r in op["responses"].items()
            }
            out.setdefault(op["tags"][0], []).append((method.upper(), path, op))
    return out
