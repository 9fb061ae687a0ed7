"""Passwords (argon2) and single-use tokens (only their SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# A real hash of a random string: verifying unknown emails costs the same time (no enumeration).
_DUMMY = _hasher.hash(secrets.token_hex(16))

COMMON_PASSWORDS = {
    "motdepasse123",
    "azertyuiop12",
    "123456789012",
    "password1234",
    "coopilote123",
    "qwertyuiop12",
    "motdepasse2026",
    "soleil123456",
    "bonjour12345",
    "administrateur",
    "azerty123456",
    "1234567890ab",
    "passwordpassword",
    "motdepassemotdepasse",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, min_length: int = 12) -> str | None:
    """A French message saying why a new password is refused, or None."""
    from flask_babel import gettext as _

    if len(password) < min_length:
        return _("Le mot de passe doit contenir au moins %(n)d caractères.", n=min_length)
    if len(password) > 256:
        return _("Le mot de passe est trop long (256 caractères au plus).")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return _("Ce mot de passe est trop courant : choisissez-en un autre.")
    return None


def new_token() -> tuple[str, str]:
    """A URL-safe token and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
