"""The optional TOTP second factor (RFC 6238): secrets, codes, recovery codes, who is offered it.

A user with ``totp_secret`` signs in in two steps (``workspace/auth/totp_views.py``): the password,
then a 6-digit code of the authenticator app (the previous, current or next 30-second step is
accepted) or one of ten single-use recovery codes. A time step is accepted once: the last one
used is stored on the user and the update is conditional, so two requests racing with the
same code cannot both win. Recovery codes are high-entropy random strings of which only a
SHA-256 (salted with the user id) is stored; consuming one is a conditional update too.

Advisers (anyone with an adviser membership) and site admins are *privileged*: the interface
offers them the second factor prominently, and ``WORKSPACE_REQUIRE_TOTP_FOR_PRIVILEGED=1``
makes it mandatory for them (``workspace/auth/totp_views.py:require_enrolment``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from flask import current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import or_, update

from workspace.extensions import db, htmx
from workspace.models import Membership, RecoveryCode, Role, User, utcnow

ISSUER = "Coopilote"
RECOVERY_COUNT = 10
#: Recovery code alphabet: lower-case letters and digits without look-alikes (0/o, 1/l/i).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LEN = 12  # 12 × log2(31) ≈ 59 bits
_DIGITS = re.compile(r"[0-9]{6}")  # ASCII only: compare_digest refuses other str


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters = 160 bits (RFC 4226's advice)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> Markup:
    """The QR code of ``uri`` as inline SVG markup (no external service, no script)."""
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(
        scale=1, border=4, dark="#000", light="#fff", title=title, svgclass="qr", omitsize=True
    )
    return Markup(svg)  # noqa: S704 - segno's own markup; the title is XML-escaped by segno


def grouped(secret: str) -> str:
    """``ABCD EFGH …``: easier to copy by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def clean_code(raw: str | None) -> str:
    """The code as typed, without spaces or dashes, lower-cased (at most 40 characters)."""
    return re.sub(r"[\s-]", "", (raw or "")[:40]).lower()


def matching_counter(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step (previous, current or next) whose code is ``code``, else None."""
    if not _DIGITS.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(at if at is not None else time.time()) // totp.interval
    for counter in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def use_totp(user: User, code: str) -> bool:
    """Accept a current code of ``user`` once (valid_window=1, never the same step twice)."""
    if not user.totp_secret:
        return False
    counter = matching_counter(user.totp_secret, clean_code(code))
    if counter is None:
        return False
    result = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.totp_last_counter.is_(None), User.totp_last_counter < counter))
        .values(totp_last_counter=counter)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["totp_last_counter"])
    return result.rowcount == 1


def _recovery_hash(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the new ones (shown once, never stored)."""
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(_ALPHABET) for _ in range(_RECOVERY_LEN))
        for _ in range(RECOVERY_COUNT)
    ]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user.id, code)))
    db.session.flush()
    return [f"{c[:4]}-{c[4:8]}-{c[8:]}" for c in codes]


def use_recovery_code(user: User, code: str) -> bool:
    """Consume one unused recovery code of ``user``; False when unknown or already used."""
    code = clean_code(code)
    if len(code) != _RECOVERY_LEN or not user.totp_secret:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .where(RecoveryCode.code_hash == _recovery_hash(user.id, code))
        .where(RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        db.select(db.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def enable(user: User, secret: str, counter: int) -> list[str]:
    """Turn the second factor on with a confirmed ``secret``; returns the recovery codes."""
    user.totp_secret = secret
    user.totp_last_counter = counter
    user.totp_enabled_at = utcnow()
    return new_recovery_codes(user)


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_last_counter = None
    user.totp_enabled_at = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def is_privileged(user) -> bool:
    """Site admins and Pôle advisers: the people the second factor is offered to first."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    stmt = db.select(Membership.id).filter_by(user_id=user.id, role=Role.ADVISER.value).limit(1)
    return db.session.scalar(stmt) is not None


def required_for(user, enrolled_too: bool = False) -> bool:
    """True when the setting makes the second factor mandatory for ``user``."""
    if not current_app.config.get("REQUIRE_TOTP_FOR_PRIVILEGED"):
        return False
    if user.totp_secret and not enrolled_too:
        return False
    return is_privileged(user)


def offer_for(user) -> bool:
    """Show the prominent offer (« Mes projets ») to privileged people without the factor."""
    if not getattr(user, "is_authenticated", False) or user.totp_secret:
        return False
    return not session.get("totp_offer_hidden") and is_privileged(user)


#: Reachable by a privileged person who must enrol first.
ENROLMENT_OPEN = {
    "static",
    "auth.login",
    "auth.logout",
    "auth.switch_language",
    "totp.setup",
    "totp.login_code",
}


def require_enrolment():
    """``before_request``: privileged people enrol before anything else (when required)."""
    if not current_app.config.get("REQUIRE_TOTP_FOR_PRIVILEGED"):
        return None
    endpoint = request.endpoint or ""
    if endpoint in ENROLMENT_OPEN or endpoint.startswith("help."):
        return None
    api = request.path.startswith("/api/")
    if api and request.headers.get("Authorization"):
        # Personal tokens are a credential of their own (listed and revoked on the profile
        # page); the requirement is about interactive sign-in.
        return None
    if not current_user.is_authenticated or not required_for(current_user):
        return None
    if api:
        from workspace.web.errors import error_response

        return error_response(403, _("Activez d'abord la double authentification."))
    target = url_for("totp.setup")
    if htmx:
        return "", 204, {"HX-Redirect": target}
    return redirect(target)
