"""The API's two blueprints, apart from the package so that its modules import them without
importing the package's ``__init__`` (which imports those modules: a cycle)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", "workspace.api", url_prefix="/api/v1")
ui_bp = Blueprint("api_ui", "workspace.api")
