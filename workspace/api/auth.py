"""Who is calling the API: a personal access token (``Authorization: Bearer …``) or the
browser session (same-origin front-end calls, which must carry the CSRF header to write).

A token request signs its owner in for that request only (no session cookie is set). Token
requests are rate limited per token (a fixed one-minute window, in memory or in Redis when
``WORKSPACE_REDIS_URL`` is set).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from flask import current_app, g, request
from flask_babel import refresh
from flask_login import current_user

from workspace.api.errors import ApiError
from workspace.api.models import ApiToken
from workspace.auth.credentials import token_hash
from workspace.extensions import csrf, db
from workspace.models import utcnow

TOKEN_PREFIX = "cpt_"  # noqa: S105 - a public marker, not a secret
#: last_used_at is written at most once per this interval (no write on every call).
TOUCH_EVERY = timedelta(minutes=1)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401)
    return value.strip()


def authenticate() -> None:
    """``before_request`` for ``/api/``: token sign-in, rate limit, CSRF for session writes."""
    g.pop("api_token", None)
    if not request.path.startswith("/api/"):
        return
    # The language may depend on Accept-Language (errors.install_locale_selector): forget a
    # locale cached on `g` (tests share one app context, hence one `g`, across requests).
    refresh()
    raw = bearer_token()
    if raw is None:
        _session_csrf()
        return
    token = db.session.scalar(db.select(ApiToken).filter_by(token_hash=token_hash(raw[:200])))
    now = utcnow()
    if token is None or not token.usable(now) or not token.user.active:
        raise ApiError(401)
    limiter = current_app.extensions["coopilote.api_limiter"]
    allowed, retry_after = limiter.hit(f"token:{token.id}")
    if not allowed:
        raise ApiError(429, headers={"Retry-After": str(retry_after)})
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    g._login_user = token.user  # Flask-Login's per-request user: signed in for this call only
    g.api_token = token


def _session_csrf() -> None:
    """The API blueprints are exempt from the global CSRF check (tokens cannot carry one);
    a session-authenticated write must still send ``X-CSRFToken``."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if getattr(current_user, "is_authenticated", False):
        csrf.protect()


class RateLimiter:
    """``limit`` hits per ``window`` seconds per key; Redis-backed when a URL is configured so
    that every worker process shares the counters."""

    def __init__(self, limit: int, window: int = 60, redis_url: str = ""):
        self.limit, self.window = limit, window
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url)

    def hit(self, key: str) -> tuple[bool, int]:
        """Count one request; returns ``(allowed, seconds until the window resets)``."""
        now = int(time.time())
        bucket = now // self.window
        retry = self.window - now % self.window
        if self._redis is not None:
            name = f"coopilote:ratelimit:{key}:{bucket}"
            pipe = self._redis.pipeline()
            pipe.incr(name)
            pipe.expire(name, self.window + 5)
            count = pipe.execute()[0]
            return count <= self.limit, retry
        with self._lock:
            seen_bucket, count = self._counts.get(key, (bucket, 0))
            count = count + 1 if seen_bucket == bucket else 1
            self._counts[key] = (bucket, count)
            if len(self._counts) > 10_000:  # forget idle keys
                self._counts = {k: v for k, v in self._counts.items() if v[0] == bucket}
        return count <= self.limit, retry

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
