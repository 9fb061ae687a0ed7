"""Who is signed in: sign-in and sign-out, password reset by e-mail, the profile, invitation
acceptance, the optional TOTP second factor, server-side sessions, password hashing and
single-use tokens, and the rate limits on the forms an attacker would hammer.

``views`` (blueprint ``auth``: sign-in, sign-out, language), ``account`` (blueprint ``account``:
profile, reset, invitations), ``forms``, ``credentials`` (argon2 passwords, hashed tokens),
``sessions`` (revocable sessions, the user loader), ``totp`` / ``totp_views`` / ``totp_forms``
(second factor), ``ratelimit`` (Flask-Limiter keys).
"""
