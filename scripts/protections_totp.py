"""The second factor's protections (see scripts/protections.py for the format)."""

from __future__ import annotations

from protections import M

SIGNIN = "tests/core/test_totp_signin.py"

TOTP_MUTATIONS = [
    M(
        "totp-password-alone-not-enough",
        "workspace/auth/views.py",
        "            if user.totp_secret:  # second factor",
        "            if False:  # second factor",
        f"{SIGNIN}::test_password_alone_does_not_sign_in",
    ),
    M(
        "totp-no-replay",
        "workspace/auth/totp.py",
        "        .where(or_(User.totp_last_counter.is_(None), User.totp_last_counter < counter))\n",
        "",
        f"{SIGNIN}::test_replayed_code_is_refused",
    ),
    M(
        "totp-pending-expires",
        "workspace/auth/totp_views.py",
        "    fresh = 0 <= age <= PENDING_TTL\n",
        "    fresh = True\n",
        f"{SIGNIN}::test_expired_pending_state_sends_back_to_the_password",
    ),
    M(
        "totp-session-rotation",
        "workspace/auth/totp_views.py",
        "            session.clear()  # rotate again",
        "            pass  # rotate again",
        f"{SIGNIN}::test_code_signs_in_rotates_the_session_and_follows_next",
    ),
]
