"""Signing in with the TOTP second factor: the code step, expiry, replay, recovery codes, rate
limits, CSRF, the API, and the setting that makes it mandatory for advisers and site admins."""

from __future__ import annotations

import time

import pytest
from flask import g

from tests.core.totp_helpers import (
    code_at,
    csrf_token,
    enrolled_user,
    password_step,
    signed_in,
    wrong_code,
)
from tests.factories import PASSWORD, create_project, create_user
from workspace.extensions import db
from workspace.models import RecoveryCode

WRONG = "Code incorrect ou déjà utilisé."


def test_password_alone_does_not_sign_in(client):
    user, _codes = enrolled_user()
    with client.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
    r = password_step(client, user)
    assert r.status_code == 302 and r.headers["Location"] == "/login/code"
    with client.session_transaction() as sess:
        assert "planted" not in sess  # rotated at the password step already
        assert "_user_id" not in sess and sess["totp_pending"]["uid"] == user.id
    assert not signed_in(client)
    page = client.get("/login/code")
    assert page.status_code == 200 and "Vérification en deux étapes" in page.text
    # Half-signed-in is anonymous for the API too.
    assert client.get("/api/v1/me").status_code == 401


def test_code_signs_in_rotates_the_session_and_follows_next(client):
    user, _codes = enrolled_user()
    password_step(client, user, next_url="/profile")
    with client.session_transaction() as sess:
        sess["planted"] = "between-the-steps"
    r = client.post("/login/code", data={"code": code_at(user.totp_secret)})
    assert r.status_code == 302 and r.headers["Location"] == "/profile"
    with client.session_transaction() as sess:
        assert "planted" not in sess and "totp_pending" not in sess
        assert sess["_user_id"] == user.get_id()
    assert signed_in(client)


def test_neighbouring_steps_are_accepted_and_far_ones_refused(app):
    user, _codes = enrolled_user()
    secret = user.totp_secret
    for offset, expected in ((-2, 400), (2, 400), (-1, 302), (1, 302)):
        client = app.test_client()
        password_step(client, user)
        assert client.post("/login/code", data={"code": code_at(secret, offset)}).status_code == (
            expected
        ), offset


def test_wrong_code_is_refused_with_the_french_message(client):
    user, _codes = enrolled_user()
    password_step(client, user)
    arabic = "".join(chr(0x0660 + int(d)) for d in code_at(user.totp_secret))  # Unicode digits
    for code in (wrong_code(user.totp_secret), "", "abc", "💥" * 30, "1" * 41, arabic, "\x00"):
        r = client.post("/login/code", data={"code": code})
        assert r.status_code == 400, code
        assert 'class="field-error" id="code-error"' in r.text
    assert WRONG in client.post("/login/code", data={"code": "000000x"}).text
    assert not signed_in(client)


def test_replayed_code_is_refused(app):
    user, _codes = enrolled_user()
    code = code_at(user.totp_secret)
    first, second = app.test_client(), app.test_client()
    password_step(first, user)
    password_step(second, user)
    assert first.post("/login/code", data={"code": code}).status_code == 302
    r = second.post("/login/code", data={"code": code})
    assert r.status_code == 400 and WRONG in r.text
    # An older step than the last one used is refused too; a later one works.
    assert second.post("/login/code", data={"code": code_at(user.totp_secret, -1)}).status_code == (
        400
    )
    assert second.post("/login/code", data={"code": code_at(user.totp_secret, 1)}).status_code == (
        302
    )


def test_recovery_code_works_once(app):
    user, codes = enrolled_user()
    client = app.test_client()
    password_step(client, user)
    r = client.post("/login/code", data={"code": codes[3].upper().replace("-", " ")})
    assert r.status_code == 302
    assert "il vous en reste 9" in client.get("/").text
    used = db.session.scalars(db.select(RecoveryCode).filter_by(user_id=user.id)).all()
    assert sum(c.used_at is not None for c in used) == 1
    again = app.test_client()
    password_step(again, user)
    r = again.post("/login/code", data={"code": codes[3]})
    assert r.status_code == 400 and WRONG in r.text
    # Another person's recovery code is worth nothing here.
    _other, other_codes = enrolled_user()
    assert again.post("/login/code", data={"code": other_codes[0]}).status_code == 400


def test_expired_pending_state_sends_back_to_the_password(client):
    user, _codes = enrolled_user()
    password_step(client, user)
    with client.session_transaction() as sess:
        sess["totp_pending"] = {**sess["totp_pending"], "at": int(time.time()) - 5 * 60 - 1}
    r = client.post("/login/code", data={"code": code_at(user.totp_secret)})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert "Le délai de 5 minutes est dépassé" in client.get("/login").text
    assert not signed_in(client)
    with client.session_transaction() as sess:
        assert "totp_pending" not in sess
    # Without any pending state, the code step is simply the sign-in page.
    assert client.get("/login/code").headers["Location"] == "/login"


def test_password_reset_between_the_steps_voids_the_pending_state(client):
    user, _codes = enrolled_user()
    password_step(client, user)
    user.session_epoch += 1
    db.session.commit()
    r = client.post("/login/code", data={"code": code_at(user.totp_secret)})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert not signed_in(client)


def test_remember_me_survives_the_code_step(app):
    user, _codes = enrolled_user()
    client = app.test_client()
    password_step(client, user, remember=True)
    assert client.get_cookie("remember_token") is None  # not before the code
    client.post("/login/code", data={"code": code_at(user.totp_secret)})
    assert client.get_cookie("remember_token") is not None


def test_sign_out_everywhere_still_ends_the_other_sessions(app):
    user, _codes = enrolled_user()
    laptop, phone = app.test_client(), app.test_client()
    for client, offset in ((laptop, 0), (phone, 1)):
        password_step(client, user)
        assert (
            client.post("/login/code", data={"code": code_at(user.totp_secret, offset)}).status_code
            == 302
        )
    assert phone.post("/profile/sessions").status_code == 302
    assert signed_in(phone) and not signed_in(laptop)


@pytest.fixture
def limiter(app):
    lim = app.extensions["coopilote.limiter"]
    lim.reset()
    lim.enabled = True
    yield lim
    lim.enabled = False
    lim.reset()


def test_code_step_rate_limited_per_account_and_per_address(app, limiter):
    user, _codes = enrolled_user()
    bad = wrong_code(user.totp_secret)
    for i in range(5):  # a new address each time: only the account counter can stop this
        client = app.test_client()
        password_step(client, user)
        r = client.post(
            "/login/code", data={"code": bad}, environ_base={"REMOTE_ADDR": f"10.7.0.{i}"}
        )
        assert r.status_code == 400
    r = client.post(
        "/login/code",
        data={"code": code_at(user.totp_secret)},
        environ_base={"REMOTE_ADDR": "10.7.1.1"},
    )
    assert r.status_code == 429 and "Trop de tentatives" in r.text
    assert not signed_in(client)
    # The address limit holds across accounts.
    ip_limit = int(app.config["RATELIMIT_TOTP_IP"].split()[0])
    codes = []
    for _ in range(ip_limit + 1):
        other, _c = enrolled_user()
        client = app.test_client()
        password_step(client, other)
        codes.append(
            client.post(
                "/login/code", data={"code": "123"}, environ_base={"REMOTE_ADDR": "10.8.0.1"}
            ).status_code
        )
    assert codes[:-1] == [400] * ip_limit and codes[-1] == 429


def test_code_step_needs_the_csrf_token(app, csrf_enabled):
    user, _codes = enrolled_user()
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    r = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert r.headers["Location"] == "/login/code"
    r = client.post("/login/code", data={"code": code_at(user.totp_secret)})
    assert r.status_code == 400 and "Le formulaire a expiré" in r.text
    assert not signed_in(client)
    # Tests share one app context, hence one `g`, where Flask-WTF caches the token it signed
    # for the session before the password step rotated it: forget it, as a new request would.
    g.pop("csrf_token", None)
    token = csrf_token(client.get("/login/code").text)
    r = client.post("/login/code", data={"code": code_at(user.totp_secret), "csrf_token": token})
    assert r.status_code == 302 and signed_in(client)


def test_api_tokens_cannot_be_made_with_a_password(client):
    """Tokens are created on the profile page only (a fully signed-in session); the API has
    no password grant that could skip the second factor."""
    user, _codes = enrolled_user()
    for method in ("post", "put"):
        r = getattr(client, method)(
            "/api/v1/tokens", json={"email": user.email, "password": PASSWORD, "name": "x"}
        )
        assert r.status_code in (401, 404, 405)
    password_step(client, user)
    assert client.post("/profile/tokens", data={"name": "x", "scope": "read"}).status_code == 302
    assert "/login" in client.post("/profile/tokens", data={"name": "x"}).headers["Location"]


# -- The setting that makes it mandatory ----------------------------------------------------


@pytest.fixture
def required(app):
    app.config["REQUIRE_TOTP_FOR_PRIVILEGED"] = True
    yield
    app.config["REQUIRE_TOTP_FOR_PRIVILEGED"] = False


def test_required_setting_sends_an_adviser_to_enrolment(required, client):
    adviser, director = create_user(), create_user()
    create_project({adviser: "adviser", director: "director"})
    r = password_step(client, adviser)
    assert r.status_code == 302
    r = client.get(r.headers["Location"])
    assert r.status_code == 302 and r.headers["Location"] == "/profile/two-factor/setup"
    page = client.get("/profile/two-factor/setup")
    assert page.status_code == 200 and "Votre rôle" in page.text
    assert client.get("/profile").headers["Location"] == "/profile/two-factor/setup"
    htmx = client.get("/profile", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/profile/two-factor/setup"
    assert client.get("/api/v1/me").status_code == 403
    assert client.post("/logout").status_code == 302  # signing out stays possible


def test_required_setting_leaves_a_director_alone(required, app):
    director = create_user()
    create_project({director: "director"})
    client = app.test_client()
    r = password_step(client, director)
    assert client.get(r.headers["Location"]).status_code == 200


def test_required_setting_applies_to_site_admins_until_they_enrol(required, app):
    admin = create_user(is_admin=True)
    client = app.test_client()
    password_step(client, admin)
    assert client.get("/admin/users").headers["Location"] == "/profile/two-factor/setup"
    client.get("/profile/two-factor/setup")
    with client.session_transaction() as sess:
        secret = sess["totp_setup"]["secret"]
    assert (
        client.post("/profile/two-factor/setup", data={"code": code_at(secret)}).status_code == 200
    )
    assert client.get("/admin/users").status_code == 200


def test_code_step_speaks_the_persons_language(client):
    user, _codes = enrolled_user(locale="en")
    password_step(client, user)
    assert "Two-step verification" in client.get("/login/code").text
