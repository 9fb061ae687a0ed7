"""Configuration read from the environment (``WORKSPACE_*``), with safe defaults.

Every setting lives in :data:`SETTINGS`, the single source for the code and for the
configuration reference in the documentation.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    env: str
    key: str
    default: object
    help: str


BUILTIN_PLUGINS = "board,checklists,milestones,funding,indicators,dashboard,comments,plan"

SETTINGS = [
    # WORKSPACE_INSTANCE_PATH is read by create_app itself (it locates everything else).
    Setting(
        "WORKSPACE_DATABASE_URL",
        "SQLALCHEMY_DATABASE_URI",
        None,
        "SQLAlchemy URL; default: SQLite file instance/coopilote.sqlite",
    ),
    Setting(
        "WORKSPACE_SECRET_KEY",
        "SECRET_KEY",
        None,
        "Session signing key; generated once into instance/secret_key when absent",
    ),
    Setting(
        "WORKSPACE_REDIS_URL",
        "REDIS_URL",
        "",
        "Redis URL: Socket.IO message queue, presence and rate limits across processes",
    ),
    Setting(
        "WORKSPACE_API_RATE_LIMIT",
        "API_RATE_LIMIT",
        "600",
        "API calls per minute per personal access token (beyond: 429 with Retry-After)",
    ),
    Setting(
        "WORKSPACE_JOBS_BACKEND",
        "JOBS_BACKEND",
        "",
        "Where long work (report files…) runs: rq (Redis, `flask jobs worker`), local (the job "
        "table, one worker process started by the web process) or empty: rq when REDIS_URL is set",
    ),
    Setting(
        "WORKSPACE_JOBS_SPAWN_WORKER",
        "JOBS_SPAWN_WORKER",
        "1",
        "local backend: the web process starts the local worker itself (0: run `flask jobs "
        "worker --local` yourself)",
    ),
    Setting(
        "WORKSPACE_JOBS_KEEP_DAYS",
        "JOBS_KEEP_DAYS",
        "7",
        "Finished jobs, the files they made (project backups…) and the record of sent mail "
        "are forgotten after this many days",
    ),
    Setting(
        "WORKSPACE_DIGEST_HOUR",
        "DIGEST_HOUR",
        "7",
        "Hour (0-23, Paris time) after which the job worker sends the previous day's digest "
        "(and on Monday the advisers' weekly portfolio point); off: only `flask digest send` "
        "and `flask portfolio send-weekly` do (from cron)",
    ),
    Setting(
        "WORKSPACE_PRESENCE_BATCH_SECONDS",
        "PRESENCE_BATCH_SECONDS",
        "0.25",
        "Who is online in a project is announced at most once per this many seconds per "
        "project (a burst of tabs joining makes one broadcast, not one each); 0: at once",
    ),
    Setting(
        "WORKSPACE_PLUGINS",
        "WORKSPACE_PLUGINS",
        BUILTIN_PLUGINS,
        "Comma-separated built-in plugins to load, in order (external ones come from the "
        "coopilote.plugins entry-point group)",
    ),
    Setting(
        "WORKSPACE_BASE_URL",
        "BASE_URL",
        "http://127.0.0.1:5000",
        "Public address, used in links sent by email",
    ),
    Setting(
        "WORKSPACE_MAIL_SERVER",
        "MAIL_SERVER",
        "",
        "SMTP host; empty: mail goes to the log and to instance/outbox/",
    ),
    Setting("WORKSPACE_MAIL_PORT", "MAIL_PORT", "587", "SMTP port"),
    Setting("WORKSPACE_MAIL_USERNAME", "MAIL_USERNAME", "", "SMTP user"),
    Setting("WORKSPACE_MAIL_PASSWORD", "MAIL_PASSWORD", "", "SMTP password"),
    Setting("WORKSPACE_MAIL_USE_TLS", "MAIL_USE_TLS", "1", "STARTTLS on (1) or off (0)"),
    Setting(
        "WORKSPACE_MAIL_SENDER",
        "MAIL_SENDER",
        "Coopilote <no-reply@coopilote.local>",
        "From: address",
    ),
    Setting(
        "WORKSPACE_UPLOAD_DIR",
        "UPLOAD_DIR",
        "",
        "Where uploaded documents are stored; default: instance/uploads",
    ),
    Setting(
        "WORKSPACE_ASYNC_MODE",
        "SOCKETIO_ASYNC_MODE",
        "",
        "Socket.IO async mode: gevent under gunicorn's gevent worker (detected), threading "
        "otherwise (development, tests)",
    ),
    Setting(
        "WORKSPACE_SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_SECURE",
        "0",
        "1 behind HTTPS: cookies marked Secure",
    ),
    Setting(
        "WORKSPACE_REQUIRE_TOTP_FOR_PRIVILEGED",
        "REQUIRE_TOTP_FOR_PRIVILEGED",
        "0",
        "1: Pôle advisers (anyone with an adviser membership) and site admins must turn on the "
        "TOTP second factor before using the app (they are sent to the enrolment page after "
        "sign-in); 0: optional for everyone, offered to them prominently",
    ),
    Setting(
        "WORKSPACE_PROXY_FIX",
        "PROXY_FIX",
        "0",
        "1 behind one reverse proxy: trust its X-Forwarded-For and X-Forwarded-Proto (client "
        "address for rate limits, HTTPS for HSTS); leave 0 when clients connect directly",
    ),
    Setting(
        "WORKSPACE_BOARD_CARD_CACHE",
        "BOARD_CARD_CACHE",
        "4000",
        "Board cards whose HTML each process keeps in memory (about 3 kB each with their key), "
        "reused when a board is rendered again after a change; 0 turns the cache off",
    ),
    Setting(
        "WORKSPACE_FRAGMENT_CACHE_MB",
        "FRAGMENT_CACHE_MB",
        "24",
        "Megabytes of rendered page fragments (a board's columns: 0.3 to 0.6 MB for 500 "
        "tasks) each process keeps in memory and reuses until the project's data changes; 0 "
        "turns the cache off",
    ),
    Setting(
        "WORKSPACE_PROJECT_CREATOR_KINDS",
        "PROJECT_CREATOR_KINDS",
        "association,saad,ssiad,ehpad,ccas,network,other",
        "Organisation kinds whose people may create projects (directors of the partner "
        "organisations, Pôle advisers); funders and consultancies may not. An administrator "
        "can allow or refuse one person in Administration → Comptes",
    ),
    Setting(
        "WORKSPACE_GC_THRESHOLD",
        "GC_THRESHOLD",
        "5000,10,10",
        "Python garbage collector thresholds of a served process (gen0,gen1,gen2); the objects "
        "of the started application are frozen out of its scans. Empty keeps Python's defaults",
    ),
]


def _secret_key(instance: Path) -> str:
    """Read the instance secret key, creating it (once, mode 600) when missing."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _gevent_patched() -> bool:
    """True when gevent has monkey-patched the standard library (gunicorn -k gevent)."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return False
    return monkey.is_module_patched("socket")


def load_config(instance: Path, overrides: dict | None = None) -> dict:
    """Build the Flask configuration from defaults, the environment and ``overrides``."""
    instance.mkdir(parents=True, exist_ok=True)
    cfg: dict = {
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ["fr", "en"],
        "PASSWORD_MIN_LENGTH": 12,
    }
    for s in SETTINGS:
        value = os.environ.get(s.env, s.default)
        if value is not None:
            cfg[s.key] = value
    overrides = overrides or {}
    cfg.update(overrides)
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'coopilote.sqlite'}"
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _secret_key(instance)
    if not cfg.get("UPLOAD_DIR"):
        cfg["UPLOAD_DIR"] = str(instance / "uploads")
    for flag in (
        "MAIL_USE_TLS",
        "SESSION_COOKIE_SECURE",
        "REQUIRE_TOTP_FOR_PRIVILEGED",
        "JOBS_SPAWN_WORKER",
    ):
        cfg[flag] = str(cfg.get(flag)).lower() in ("1", "true", "yes", "on")
    cfg["REMEMBER_COOKIE_SECURE"] = cfg["SESSION_COOKIE_SECURE"]
    cfg["MAIL_PORT"] = int(cfg["MAIL_PORT"])
    if isinstance(cfg["PROJECT_CREATOR_KINDS"], str):
        cfg["PROJECT_CREATOR_KINDS"] = {
            k.strip() for k in cfg["PROJECT_CREATOR_KINDS"].split(",") if k.strip()
        }
    if isinstance(cfg["WORKSPACE_PLUGINS"], str):
        cfg["WORKSPACE_PLUGINS"] = [
            p.strip() for p in cfg["WORKSPACE_PLUGINS"].split(",") if p.strip()
        ]
    if not cfg.get("SOCKETIO_ASYNC_MODE"):
        cfg["SOCKETIO_ASYNC_MODE"] = "gevent" if _gevent_patched() else "threading"
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # gevent: many greenlets share few connections; keep the pool small but allow bursts.
        cfg["SQLALCHEMY_ENGINE_OPTIONS"].update(pool_size=10, max_overflow=20, pool_timeout=10)
    return cfg
