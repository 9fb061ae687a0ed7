"""REST API v1: JSON resources on the same permissions as the pages, with OpenAPI, personal
access tokens and outgoing webhooks (issue 11).

- ``bp`` (``/api/v1``) holds the core resources (projects, members, organisations, activity,
  tokens) and the OpenAPI document and reference page;
- each plugin may declare ``Plugin.api``, a blueprint mounted at
  ``/api/v1/projects/<int:project_id>/<name>`` (its resources, in ``plugins/<name>/api.py``);
- ``ui_bp`` holds the HTML pages: tokens on the profile page, webhooks of a project.

See docs/api.md for clients, and :mod:`workspace.api.base` for declaring a resource.
"""

from __future__ import annotations

from workspace.api.blueprints import bp, ui_bp

__all__ = ["bp", "init_api", "ui_bp"]


def init_api(app) -> None:
    """Register the API blueprints, token authentication, errors and the webhook worker.

    Called by ``create_app`` after the plugins are loaded (their API blueprints too).
    """
    from workspace.api import openapi, resources, tokens_ui, webhooks, webhooks_ui  # noqa: F401 - routes
    from workspace.api.auth import RateLimiter, authenticate
    from workspace.api.errors import init_errors
    from workspace.api.spec import make_api
    from workspace.extensions import csrf
    from workspace.models import utcnow
    from workspace.plugins import api_blueprints

    api = app.extensions["coopilote.api"] = make_api(app)
    api.register_blueprint(bp)
    app.register_blueprint(ui_bp)
    csrf.exempt(bp)
    for p in app.extensions["coopilote.plugins"]:
        for api_bp, prefix in api_blueprints(p):
            api.register_blueprint(api_bp, url_prefix=prefix)
            csrf.exempt(api_bp)
    app.before_request(authenticate)
    app.extensions["coopilote.api_limiter"] = RateLimiter(
        int(app.config["API_RATE_LIMIT"]), redis_url=app.config.get("REDIS_URL", "")
    )
    init_errors(app)
    webhooks.init_webhooks(app)
    app.jinja_env.globals.update(api_tokens_of=tokens_ui.tokens_of, api_now=utcnow)
