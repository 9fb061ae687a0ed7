"""Password reset by e-mail, profile and password change (other sessions signed out)."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.factories import PASSWORD, create_org, create_user
from tests.mail import read_outbox
from workspace.auth.credentials import verify_password
from workspace.extensions import db
from workspace.models import PasswordReset, User, utcnow

NEW = "une-phrase-de-passe-neuve"
SAME_ANSWER = "Si un compte existe pour cette adresse"


def _link(mail: dict) -> str:
    return re.search(r"http://localhost(/reset/\S+)", mail["body"]).group(1)


def test_reset_request_sends_a_french_mail_with_a_link(client):
    create_user("Claire Martin", email="claire@example.org")
    r = client.post("/reset", data={"email": "CLAIRE@example.org"})
    assert r.status_code == 200 and SAME_ANSWER in r.text
    [mail] = read_outbox()
    assert mail["to"] == "claire@example.org"
    assert "mot de passe" in mail["subject"]
    assert "Bonjour Claire Martin" in mail["body"]
    assert "http://localhost/reset/" in mail["body"]
    token = _link(mail).rsplit("/", 1)[1]
    # Only the hash is stored.
    stored = db.session.scalar(db.select(PasswordReset))
    assert stored.token_hash != token and len(stored.token_hash) == 64
    assert stored.expires_at - utcnow() <= timedelta(hours=1)


def test_reset_request_for_unknown_email_answers_the_same(client):
    create_user(email="claire@example.org")
    known = client.post("/reset", data={"email": "claire@example.org"})
    unknown = client.post("/reset", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    # The CSRF token (in the form and htmx's headers) carries the second it was signed.
    tokens = r'name="csrf_token"[^>]*|"X-CSRFToken": "[^"]*"'
    strip = lambda html: re.sub(tokens, "", html).replace(  # noqa: E731
        "nobody@example.org", "claire@example.org"
    )
    assert strip(known.text) == strip(unknown.text)
    assert len(read_outbox()) == 1


def test_reset_request_bad_email_is_refused(client):
    r = client.post("/reset", data={"email": "pas-une-adresse"})
    assert r.status_code == 400 and "Adresse e-mail invalide." in r.text
    assert read_outbox() == []


def test_reset_link_sets_the_password_once(client, login_as):
    user = create_user(email="claire@example.org")
    old_session = login_as(user)
    client.post("/reset", data={"email": "claire@example.org"})
    link = _link(read_outbox()[0])
    assert client.get(link).status_code == 200
    r = client.post(link, data={"password": NEW, "confirm": NEW})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    # Other sessions are signed out.
    assert old_session.get("/").status_code == 302
    # The link is single use.
    again = client.get(link)
    assert again.status_code == 410 and "déjà été utilisé" in again.text
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 410


def test_reset_link_expires_after_an_hour(client):
    user = create_user(email="claire@example.org")
    client.post("/reset", data={"email": "claire@example.org"})
    link = _link(read_outbox()[0])
    entry = db.session.scalar(db.select(PasswordReset))
    entry.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    r = client.post(link, data={"password": NEW, "confirm": NEW})
    assert r.status_code == 410 and "a expiré" in r.text
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_unknown_reset_token_is_404(client):
    r = client.get("/reset/abc")
    assert r.status_code == 404 and "n'est pas valide" in r.text


def test_reset_form_enforces_password_rules(client):
    user = create_user(email="claire@example.org")
    client.post("/reset", data={"email": "claire@example.org"})
    link = _link(read_outbox()[0])
    cases = [
        ({"password": "court", "confirm": "court"}, "au moins 12 caractères"),
        ({"password": "motdepasse123", "confirm": "motdepasse123"}, "trop courant"),
        ({"password": NEW, "confirm": NEW + "x"}, "ne correspondent pas"),
        ({"password": "", "confirm": ""}, "Ce champ est obligatoire."),
        ({"password": "x" * 300, "confirm": "x" * 300}, "256 caractères au plus"),
    ]
    for data, message in cases:
        r = client.post(link, data=data)
        assert r.status_code == 400, data
        assert message in r.text, (data, message)
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)
    assert db.session.scalar(db.select(PasswordReset)).used_at is None


def test_profile_updates_name_organisation_and_locale(login_as):
    user = create_user("Claire Martin")
    other = create_org("Pôle Services")
    client = login_as(user)
    page = client.get("/profile")
    assert page.status_code == 200 and "Se déconnecter de tous les appareils" in page.text
    r = client.post(
        "/profile",
        data={
            "profile-name": "Claire Martin-Roux",
            "profile-organisation": str(other.id),
            "profile-locale": "en",
        },
    )
    assert r.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.organisation_id, user.locale) == ("Claire Martin-Roux", other.id, "en")


def test_profile_bad_input(login_as):
    user = create_user("Claire Martin")
    client = login_as(user)
    cases = [
        ({"profile-name": "", "profile-organisation": user.organisation_id}, "obligatoire"),
        ({"profile-name": "x" * 121, "profile-organisation": user.organisation_id}, "120 car"),
        ({"profile-name": "Claire", "profile-organisation": "999999"}, "pas un choix valide"),
        ({"profile-name": "Claire", "profile-organisation": "abc"}, "ne peut pas être converti"),
        (
            {
                "profile-name": "C",
                "profile-organisation": user.organisation_id,
                "profile-locale": "de",
            },
            "pas un choix valide",
        ),
    ]
    for data, message in cases:
        data.setdefault("profile-locale", "fr")
        r = client.post("/profile", data=data)
        assert r.status_code == 400, data
        assert message in r.text, (data, message)
    db.session.refresh(user)
    assert user.name == "Claire Martin"


def test_password_change_signs_out_other_sessions(login_as, app):
    user = create_user(email="claire@example.org")
    other_device = login_as(user)
    assert other_device.get("/").status_code == 200
    client = login_as(user)
    r = client.post(
        "/profile/password",
        data={"pw-current": PASSWORD, "pw-password": NEW, "pw-confirm": NEW},
    )
    assert r.status_code == 302
    # This browser stays signed in, the other one is sent to /login.
    assert client.get("/").status_code == 200
    r = other_device.get("/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)


def test_password_change_needs_the_current_password(login_as):
    user = create_user()
    client = login_as(user)
    r = client.post(
        "/profile/password",
        data={"pw-current": "pas-le-bon-mot-de-passe", "pw-password": NEW, "pw-confirm": NEW},
    )
    assert r.status_code == 400 and "Le mot de passe actuel est incorrect." in r.text
    r = client.post(
        "/profile/password",
        data={"pw-current": PASSWORD, "pw-password": "court", "pw-confirm": "court"},
    )
    assert r.status_code == 400 and "au moins 12 caractères" in r.text
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD) and user.session_epoch == 0


def test_sign_out_everywhere_keeps_this_session(login_as):
    user = create_user()
    other_device = login_as(user)
    client = login_as(user)
    assert client.post("/profile/sessions").status_code == 302
    assert client.get("/profile").status_code == 200
    assert other_device.get("/profile").status_code == 302
    assert db.session.get(User, user.id).session_epoch == 1
