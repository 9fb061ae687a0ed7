"""Sign-in, sign-out, remember-me, safe redirects and session rotation."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, create_user

GENERIC = "Adresse e-mail ou mot de passe incorrect."


def test_login_ok_redirects_to_my_projects(client):
    create_user(email="claire@example.org")
    r = client.post("/login", data={"email": "Claire@Example.org", "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_and_unknown_email_answer_the_same(client):
    create_user(email="claire@example.org")
    wrong = client.post(
        "/login", data={"email": "claire@example.org", "password": "nope-nope-nope"}
    )
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert GENERIC in wrong.text and GENERIC in unknown.text
    assert client.get("/").status_code == 302


def test_inactive_account_cannot_sign_in(client):
    create_user(email="old@example.org", active=False)
    r = client.post("/login", data={"email": "old@example.org", "password": PASSWORD})
    assert r.status_code == 400 and GENERIC in r.text


def test_remember_me_sets_a_cookie(app):
    create_user(email="claire@example.org")
    with_remember = app.test_client()
    with_remember.post(
        "/login", data={"email": "claire@example.org", "password": PASSWORD, "remember": "y"}
    )
    assert with_remember.get_cookie("remember_token") is not None
    without = app.test_client()
    without.post("/login", data={"email": "claire@example.org", "password": PASSWORD})
    assert without.get_cookie("remember_token") is None


def test_remember_cookie_alone_signs_in_again(app):
    create_user(email="claire@example.org")
    first = app.test_client()
    first.post(
        "/login", data={"email": "claire@example.org", "password": PASSWORD, "remember": "y"}
    )
    token = first.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", token)
    assert fresh.get("/").status_code == 200


def test_logout_is_post_only(login_as):
    client = login_as(create_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200
    r = client.post("/logout")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/profile", "/profile"),
        ("/projects/new?x=1", "/projects/new?x=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_follows_local_paths(client, target, expected):
    create_user(email="claire@example.org")
    r = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "claire@example.org", "password": PASSWORD},
    )
    assert r.status_code == 302
    assert r.headers["Location"] == expected


def test_signing_in_rotates_the_session(client):
    create_user(email="claire@example.org")
    with client.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
    client.post("/login", data={"email": "claire@example.org", "password": PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("_user_id")


def test_login_page_when_signed_in_redirects(login_as):
    r = login_as(create_user()).get("/login")
    assert r.status_code == 302


def test_language_switch_is_remembered_on_the_account(login_as):
    user = create_user()
    client = login_as(user)
    client.post("/lang/en", data={"next": "/profile"})
    assert "My profile" in client.get("/profile").text or "Profile" in client.get("/profile").text
    from workspace.extensions import db

    db.session.refresh(user)
    assert user.locale == "en"


def _signed_in_with_remember(app, email="claire@example.org"):
    client = app.test_client()
    r = client.post("/login", data={"email": email, "password": PASSWORD, "remember": "y"})
    assert r.status_code == 302
    return client


def test_logout_deletes_the_remember_cookie(app):
    create_user(email="claire@example.org")
    client = _signed_in_with_remember(app)
    assert client.get_cookie("remember_token") is not None
    r = client.post("/logout")
    assert r.status_code == 302
    assert client.get_cookie("remember_token") is None
    assert client.get("/").status_code == 302  # signed out, not signed in again by the cookie


def test_a_session_cookie_copied_before_logout_is_refused_after(app):
    create_user(email="claire@example.org")
    client = app.test_client()
    client.post("/login", data={"email": "claire@example.org", "password": PASSWORD})
    copied = client.get_cookie("session").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", copied)
    r = replay.get("/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_signing_out_one_browser_keeps_the_others(app):
    create_user(email="claire@example.org")
    laptop, phone = app.test_client(), app.test_client()
    for c in (laptop, phone):
        c.post("/login", data={"email": "claire@example.org", "password": PASSWORD})
    laptop.post("/logout")
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 200


def test_revoked_sessions_are_purged_after_the_cookie_lifetime(app):
    from datetime import timedelta

    from workspace.auth.sessions import RevokedSession
    from workspace.extensions import db
    from workspace.models import utcnow

    db.session.add(RevokedSession(sid="old", revoked_at=utcnow() - timedelta(days=400)))
    db.session.commit()
    create_user(email="claire@example.org")
    client = app.test_client()
    client.post("/login", data={"email": "claire@example.org", "password": PASSWORD})
    client.post("/logout")
    db.session.expire_all()
    sids = db.session.scalars(db.select(RevokedSession.sid)).all()
    assert "old" not in sids and len(sids) == 1
