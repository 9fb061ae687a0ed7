"""The API's two blueprints, apart from the package so that its modules import them without
importing the package's ``__init__`` (which imports those modules: a cycle)."""

from __future__ import annotations

from flask import Blueprint

from workspace.api.base import ApiBlueprint

#: The core resources (``/api/v1``): me, projects, members, organisations, activity, tokens.
bp = ApiBlueprint("api", "workspace.api", url_prefix="/api/v1", tag="core")
#: The HTML pages: tokens, webhooks, the API's reference and its OpenAPI document.
ui_bp = Blueprint("api_ui", "workspace.api")
