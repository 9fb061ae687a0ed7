"""Helpers of the TOTP tests: an enrolled user and codes of a given time step."""

from __future__ import annotations

import re
import time

import pyotp

from tests.factories import PASSWORD, create_user
from workspace.auth import totp
from workspace.extensions import db


def code_at(secret: str, offset_steps: int = 0) -> str:
    """The code of the current time step + ``offset_steps`` (30 s each)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def wrong_code(secret: str) -> str:
    """A 6-digit code accepted at no step of the window (previous, current, next)."""
    near = {code_at(secret, k) for k in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1, 100) if f"{n:06d}" not in near)


def enrolled_user(**fields):
    """A user with the second factor on (no step used yet) and their recovery codes."""
    user = create_user(**fields)
    codes = totp.enable(user, totp.new_secret(), counter=0)
    user.totp_last_counter = None
    db.session.commit()
    return user, codes


def password_step(client, user, next_url: str | None = None, remember: bool = False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data=data)


def signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
