"""Rate limits on sign-in, second-factor codes, password reset and the public request form
(Flask-Limiter).

Two keys per sensitive form: the client address (``request.remote_addr``, which ProxyFix
rewrites when ``WORKSPACE_PROXY_FIX=1``) and the account named in the form (the e-mail,
lower-cased, whether or not such an account exists, so a 429 reveals nothing). Sign-in counts
failures only, and its address limit lets a correct password through: colleagues behind one
office address are not locked out by another's typos, while each account keeps its own limit.
Counters live in Redis when ``WORKSPACE_REDIS_URL`` is set (shared by every process), in memory
otherwise.

A refused request is a 429 rendered by :mod:`workspace.web.errors` in the layout, with a
``Retry-After`` header. The limits are configurable (``RATELIMIT_*`` keys below); under tests
the limiter is off unless a test turns it on (``app.extensions["coopilote.limiter"]``), because
one in-memory counter would otherwise be shared by the whole test session.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

log = logging.getLogger(__name__)

DEFAULTS = {
    # Failed sign-ins only (a successful one does not count).
    "RATELIMIT_LOGIN_IP": "30 per 10 minutes",
    "RATELIMIT_LOGIN_ACCOUNT": "5 per 15 minutes",
    # Every reset request counts: each one sends an e-mail.
    "RATELIMIT_RESET_IP": "10 per hour",
    "RATELIMIT_RESET_ACCOUNT": "3 per hour",
    # The public request form to the Pôle: each one notifies the advisers and sends a mail.
    "RATELIMIT_INTAKE_IP": "10 per hour",
    # Token links (reset, invitation): guessing is hopeless, but keep scanners slow.
    "RATELIMIT_TOKEN_IP": "30 per 10 minutes",
    # Second-factor codes (sign-in code step, disabling, new recovery codes): wrong ones only.
    "RATELIMIT_TOTP_IP": "30 per 10 minutes",
    "RATELIMIT_TOTP_ACCOUNT": "5 per 15 minutes",
}


def account_key() -> str:
    """The account a form is about: its e-mail, normalised (existing or not)."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"account:{email}"


def ip_key() -> str:
    return f"ip:{get_remote_address()}"


def totp_key() -> str:
    """The account a second-factor code is tried for: the half-signed-in one, else oneself."""
    pending = session.get("totp_pending")
    uid = pending.get("uid") if isinstance(pending, dict) else None
    if uid is None and current_user.is_authenticated:
        uid = current_user.id
    return f"totp:{uid}"


def _failed(response) -> bool:
    # A successful sign-in redirects; every other answer (400, 403 for TOTP…) is a failure.
    return response.status_code != 302


def _refused(response) -> bool:
    return response.status_code >= 400


def init_ratelimit(app: Flask) -> Limiter:
    """Create the limiter of ``app`` and wrap the sign-in and reset views with their limits."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    wanted = app.config.get("RATELIMIT_ENABLED", not app.testing)
    app.config["RATELIMIT_ENABLED"] = True  # the storage is only created when enabled
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    redis_url = app.config.get("REDIS_URL") or ""
    limiter = Limiter(
        ip_key,
        app=app,
        storage_uri=redis_url or "memory://",
        # Redis down: fall back to memory rather than refusing every sign-in.
        in_memory_fallback_enabled=bool(redis_url),
        swallow_errors=True,
        key_prefix="coopilote",
        strategy="fixed-window",
    )
    limiter.enabled = app.config["RATELIMIT_ENABLED"] = bool(wanted)
    app.extensions["coopilote.limiter"] = limiter
    cfg = app.config
    # The address limit of sign-in is applied by the view (login_address_wait): an office
    # behind one NAT address must not lock out a colleague who types the right password.
    _wrap(app, limiter, "auth.login", [(cfg["RATELIMIT_LOGIN_ACCOUNT"], account_key, _failed)])
    _wrap(
        app,
        limiter,
        "account.reset_request",
        [
            (cfg["RATELIMIT_RESET_IP"], ip_key, None),
            (cfg["RATELIMIT_RESET_ACCOUNT"], account_key, None),
        ],
    )
    for endpoint in ("totp.login_code", "totp.disable", "totp.regenerate"):
        limits = [
            (cfg["RATELIMIT_TOTP_IP"], ip_key, _refused),
            (cfg["RATELIMIT_TOTP_ACCOUNT"], totp_key, _refused),
        ]
        _wrap(app, limiter, endpoint, limits)
    _wrap(app, limiter, "intake.request_form", [(cfg["RATELIMIT_INTAKE_IP"], ip_key, None)])
    for endpoint in ("account.reset", "account.invitation"):
        _wrap(app, limiter, endpoint, [(cfg["RATELIMIT_TOKEN_IP"], ip_key, None)])
    return limiter


def _login_address_limit():
    from flask import current_app
    from limits import parse

    limiter = current_app.extensions["coopilote.limiter"]
    if not limiter.enabled:
        return None, None
    return limiter.limiter, parse(current_app.config["RATELIMIT_LOGIN_IP"])


def login_address_wait() -> int:
    """Seconds until this address may fail a sign-in again, 0 when it may now (nothing is
    counted here)."""
    strategy, item = _login_address_limit()
    try:
        if strategy is None or strategy.test(item, "login-ip", ip_key()):
            return 0
        reset = strategy.get_window_stats(item, "login-ip", ip_key()).reset_time
        return max(1, int(reset - time.time()))
    except Exception:  # storage down: never refuse a sign-in for it
        log.warning("sign-in address limit unavailable", exc_info=True)
        return 0


def count_login_failure() -> None:
    """One failed sign-in more for this address (a correct password is never counted)."""
    strategy, item = _login_address_limit()
    try:
        if strategy is not None:
            strategy.hit(item, "login-ip", ip_key())
    except Exception:  # storage down: the account limit still applies
        log.warning("sign-in address limit unavailable", exc_info=True)


def _wrap(app: Flask, limiter: Limiter, endpoint: str, limits: list) -> None:
    """Decorate an already registered view; POST requests only (reading a form is free)."""
    view = app.view_functions.get(endpoint)
    if view is None:  # pragma: no cover - the core always registers them
        return
    for value, key_func, deduct_when in limits:
        view = limiter.limit(
            value,
            key_func=key_func,
            methods=["POST"],
            deduct_when=deduct_when,
            scope=f"{endpoint}:{key_func.__name__}",
        )(view)
    app.view_functions[endpoint] = view
