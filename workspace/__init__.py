"""Coopilote's core: the app factory.

``create_app()`` reads the configuration, binds the extensions, registers the core blueprints,
loads the plugins (built-in and external) and binds the realtime hub.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g, request, session
from werkzeug.routing import IntegerConverter

from workspace import events  # noqa: F401 - registers the session listeners
from workspace.config import load_config
from workspace.extensions import babel, csrf, db, htmx, login_manager, migrate, socketio
from workspace.web import uploads  # noqa: F401 - registers the session listeners

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["create_app", "db", "socketio"]


def create_app(config: dict | None = None) -> Flask:
    """Build the application. ``config`` overrides settings (tests use it)."""
    app = Flask(
        __name__,
        instance_path=str(
            (config or {}).get("INSTANCE_PATH")
            or os.environ.get("WORKSPACE_INSTANCE_PATH")
            or ROOT / "instance"
        ),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path), config))
    app.url_map.converters["int"] = _DbInt
    _init_extensions(app)

    from workspace.admin.views import bp as admin_bp
    from workspace.api import init_api
    from workspace.auth.account import bp as account_bp
    from workspace.auth.totp_views import init_enforcement
    from workspace.auth.views import bp as auth_bp
    from workspace.cli import register_cli
    from workspace.help.guides import init_help
    from workspace.intake import convert as _convert  # noqa: F401 - its route on intake's bp
    from workspace.intake.views import bp as intake_bp
    from workspace.jobs.views import init_jobs
    from workspace.members.views import bp as members_bp
    from workspace.notifications.views import init_notifications
    from workspace.plugins import load_plugins
    from workspace.projects import search as _search  # noqa: F401 - its route on projects_bp
    from workspace.projects.views import bp as projects_bp
    from workspace.realtime.hub import init_realtime
    from workspace.web.errors import init_errors
    from workspace.web.feedback import attach_toasts
    from workspace.web.hardening import init_hardening
    from workspace.web.i18n import compile_all
    from workspace.web.templating import init_templating

    compile_all()
    for bp in (auth_bp, account_bp, projects_bp, members_bp, admin_bp, intake_bp):
        app.register_blueprint(bp)
    load_plugins(app)
    init_help(app)  # guides, « ? » link, first-visit tour
    init_hardening(app)
    init_errors(app)
    init_templating(app)
    init_realtime(app)
    init_notifications(app)
    init_jobs(app)
    register_cli(app)
    if app.testing:
        # Test code keeps an app context pushed, so requests share its `g`: start each request
        # with no cached user, membership or project, as in production.
        app.before_request(_fresh_request_globals)
    init_enforcement(app)  # after the test hook
    init_api(app)  # after the test hook: it signs tokens in
    app.after_request(attach_toasts)
    app.after_request(_security_headers)
    return app


class _DbInt(IntegerConverter):
    """``<int:id>`` up to a 32-bit INTEGER: a larger id is a 404, not a database overflow.

    The bound is in the pattern itself, so that such a path matches no rule at all: checked
    after the match (``max``), werkzeug answered 405 to the methods of the rule it had
    matched before converting (``DELETE /tasks/2147483648`` beside ``GET /tasks/<id>``)."""

    regex = (
        r"(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}"
        r"|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
    )

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def _init_extensions(app: Flask) -> None:
    from workspace.web.i18n import install_translations, select_locale, translation_dirs

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs())
    babel.init_app(app, locale_selector=select_locale)
    install_translations(app, babel)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    from workspace.auth.sessions import init_sessions

    init_sessions(app)


def _fresh_request_globals() -> None:
    for key in ("_login_user", "_memberships", "project", "csrf_token"):
        g.pop(key, None)


def _load_user(user_id: str):
    from workspace.auth.sessions import load_user

    try:
        uid, epoch = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    return load_user(uid, epoch)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self' ws: wss:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)


def _security_headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # The session, not current_user: no query here (the database may be what just failed).
    if session.get("_user_id"):
        h.setdefault("Cache-Control", "private, no-store")
    g.pop("_memberships", None)
    return response
