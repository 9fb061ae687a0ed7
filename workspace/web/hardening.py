"""Hardening wired into the app factory: proxy headers, the NUL-character guard, rate limits,
project backup pages, the optional TOTP second factor.

``WORKSPACE_PROXY_FIX=1`` trusts one reverse proxy for the client address and the scheme
(``X-Forwarded-For``, ``X-Forwarded-Proto``): rate limits then key on the real client, and
``request.is_secure`` (hence HSTS) follows the proxy's HTTPS. Off by default, because without a
proxy those headers come straight from the client and could be forged.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from workspace.auth.ratelimit import init_ratelimit
from workspace.forms.input_guard import init_input_guard


def init_hardening(app: Flask) -> None:
    """Call after every blueprint (core and plugins) is registered."""
    if str(app.config.get("PROXY_FIX", "0")).lower() in ("1", "true", "yes", "on"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    from workspace.auth.totp_views import init_totp
    from workspace.backup.restore import bp as restore_bp
    from workspace.backup.views import bp as backup_bp

    init_input_guard(app)
    app.register_blueprint(backup_bp)
    app.register_blueprint(restore_bp)
    init_totp(app)  # before the rate limits, which wrap its code step
    init_ratelimit(app)
