"""Sessions that end when the person signs out.

Flask's session is a signed cookie: without a record on the server, a copy of the cookie taken
before « Se déconnecter » would still sign in afterwards. Every sign-in (password, second
factor, remember-me cookie) gives the session a random id (``session["sid"]``); signing out
records that id in :class:`RevokedSession`, and the user loader refuses a session whose id is
recorded — in the same query that loads the user, so a request costs no extra round trip.
Records older than the session cookie's own lifetime (``PERMANENT_SESSION_LIFETIME``, after
which Flask refuses the cookie anyway) are purged when a new one is written.

Changing a password or « Se déconnecter partout » still ends every session at once through
``user.session_epoch`` (part of the Flask-Login id, remember-me cookie included):
:func:`sign_out_elsewhere`. The sign-in helpers shared by the password, second-factor and
account pages live here too (:func:`find_user`, :func:`safe_next`).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, request, session, url_for
from flask_login import login_user, user_loaded_from_cookie, user_logged_in
from sqlalchemy import String, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from workspace.extensions import db
from workspace.models import User, UTCDateTime, utcnow

SID = "sid"


class RevokedSession(db.Model):
    """The id of a session that was signed out: its cookie no longer signs anyone in."""

    __revision__ = False  # no page shows it (workspace/cache/revisions.py)
    __tablename__ = "revoked_session"
    sid: Mapped[str] = mapped_column(String(43), primary_key=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def _new_session_id(*_args, **_kwargs) -> None:
    session[SID] = secrets.token_urlsafe(32)


def load_user(uid: int, epoch: int) -> User | None:
    """The active user ``uid`` whose sessions of ``epoch`` are valid, unless this session was
    signed out."""
    sid = session.get(SID)
    revoked = exists().where(RevokedSession.sid == sid) if sid else None
    stmt = select(User, revoked) if revoked is not None else select(User)
    row = db.session.execute(stmt.where(User.id == uid)).first()
    if row is None or (revoked is not None and row[1]):
        return None
    user = row[0]
    if not user.active or user.session_epoch != epoch:
        return None
    return user


def revoke_current_session() -> None:
    """Record this session's id as signed out (and forget the expired records)."""
    sid = session.get(SID)
    if not sid:
        return
    oldest = utcnow() - current_app.permanent_session_lifetime
    db.session.execute(RevokedSession.__table__.delete().where(RevokedSession.revoked_at < oldest))
    if db.session.get(RevokedSession, sid) is None:
        db.session.add(RevokedSession(sid=sid))
    try:
        db.session.commit()
    except IntegrityError:  # the same session signed out twice at once: revoked either way
        db.session.rollback()


def init_sessions(app) -> None:
    user_logged_in.connect(_new_session_id, app)
    user_loaded_from_cookie.connect(_new_session_id, app)


def find_user(email: str) -> User | None:
    """The account of an e-mail address, whatever its case."""
    return db.session.scalar(db.select(User).where(db.func.lower(User.email) == email.lower()))


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    # Browsers read "/\\host" as "//host": backslashes and control characters are refused.
    if target and any(c == "\\" or ord(c) < 32 for c in target):
        return url_for("projects.index")
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("projects.index")


def sign_out_elsewhere(user: User) -> None:
    """Bump the session epoch (other sessions end) and keep this browser signed in."""
    user = getattr(user, "_get_current_object", lambda: user)()  # not the proxy
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.commit()
    login_user(user, remember=bool(request.cookies.get("remember_token")))
