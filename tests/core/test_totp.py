"""The TOTP second factor on the account page: enrolment, recovery codes, disabling, the offer
to advisers and site admins, the admin reset; the secret never leaves in an export."""

from __future__ import annotations

import re

import pytest
from flask import g

from tests.core.totp_helpers import code_at, enrolled_user, signed_in, wrong_code
from tests.factories import PASSWORD, create_project, create_user
from workspace.backup.export import export_project
from workspace.extensions import db
from workspace.models import RecoveryCode

MISMATCH = "Ce code ne correspond pas."
WRONG = "Code incorrect ou déjà utilisé."


def _setup_secret(client) -> str:
    page = client.get("/profile/two-factor/setup")
    assert page.status_code == 200
    with client.session_transaction() as sess:
        return sess["totp_setup"]["secret"]


def _codes_in(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9-]+)</code></li>", html)


def _recovery_rows(user):
    return db.session.scalars(db.select(RecoveryCode).filter_by(user_id=user.id)).all()


def test_profile_offers_the_second_factor(login_as):
    page = login_as(create_user()).get("/profile")
    assert 'id="two-factor"' in page.text and "Double authentification" in page.text
    assert "/profile/two-factor/setup" in page.text
    assert "Recommandée" not in page.text


def test_enrolment_page_shows_an_inline_qr_code_and_the_key(login_as):
    user = create_user(email="julien@example.org")
    client = login_as(user)
    page = client.get("/profile/two-factor/setup")
    assert page.status_code == 200
    assert '<svg viewBox="0 0' in page.text and 'class="qr"' in page.text
    assert "<script>" not in page.text.split("<main", 1)[1].split("</main>")[0]
    with client.session_transaction() as sess:
        secret = sess["totp_setup"]["secret"]
    assert re.sub(r"\s", "", re.search(r'class="secret-key">([^<]+)<', page.text)[1]) == secret
    # A reload keeps the same secret (the code already scanned stays valid).
    client.get("/profile/two-factor/setup")
    with client.session_transaction() as sess:
        assert sess["totp_setup"]["secret"] == secret


def test_wrong_code_at_enrolment_saves_nothing(login_as):
    user = create_user()
    client = login_as(user)
    secret = _setup_secret(client)
    for code in (wrong_code(secret), "", "12 34", "a" * 41):
        r = client.post("/profile/two-factor/setup", data={"code": code})
        assert r.status_code == 400, code
        assert 'class="field-error" id="code-error"' in r.text
    assert MISMATCH in client.post("/profile/two-factor/setup", data={"code": "000"}).text
    db.session.refresh(user)
    assert user.totp_secret is None and _recovery_rows(user) == []


def test_enrolment_shows_ten_recovery_codes_once_and_stores_hashes(login_as, app):
    user = create_user()
    client, other = login_as(user), login_as(user)
    secret = _setup_secret(client)
    r = client.post("/profile/two-factor/setup", data={"code": code_at(secret)})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    codes = _codes_in(r.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(user)
    assert user.totp_secret == secret and user.totp_enabled_at is not None
    stored = {row.code_hash for row in _recovery_rows(user)}
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)
    # This browser stays signed in, the others (password only) are signed out.
    assert signed_in(client) and not signed_in(other)
    page = client.get("/profile")
    assert "Activée" in page.text and codes[0] not in page.text
    assert client.get("/profile/two-factor/setup").headers["Location"] == "/profile/two-factor"


def test_regenerating_recovery_codes_needs_a_current_code(login_as):
    user, old = enrolled_user()
    client = login_as(user)
    page = client.get("/profile/two-factor")
    assert "Il vous reste 10 codes de secours" in page.text
    r = client.post("/profile/two-factor/recovery-codes", data={"regen-code": old[0]})
    assert r.status_code == 400 and WRONG in r.text
    r = client.post(
        "/profile/two-factor/recovery-codes", data={"regen-code": code_at(user.totp_secret)}
    )
    assert r.status_code == 200
    new = _codes_in(r.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert len(_recovery_rows(user)) == 10


def test_disabling_needs_the_password_and_a_code(login_as):
    user, _codes = enrolled_user()
    client = login_as(user)
    code = code_at(user.totp_secret)
    r = client.post(
        "/profile/two-factor/disable", data={"off-password": "pas-le-bon", "off-code": code}
    )
    assert r.status_code == 400 and "Le mot de passe est incorrect." in r.text
    r = client.post(
        "/profile/two-factor/disable",
        data={"off-password": PASSWORD, "off-code": wrong_code(user.totp_secret)},
    )
    assert r.status_code == 400 and WRONG in r.text
    r = client.post("/profile/two-factor/disable", data={"off-password": PASSWORD})
    assert r.status_code == 400 and "Ce champ est obligatoire." in r.text
    db.session.refresh(user)
    assert user.totp_secret is not None
    # The code was not spent by the attempt with the wrong password.
    r = client.post(
        "/profile/two-factor/disable", data={"off-password": PASSWORD, "off-code": code}
    )
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.totp_secret is None and user.totp_last_counter is None
    assert _recovery_rows(user) == []
    assert "Désactivée" in client.get("/profile").text


def test_disabling_with_a_recovery_code(login_as):
    user, codes = enrolled_user()
    r = login_as(user).post(
        "/profile/two-factor/disable", data={"off-password": PASSWORD, "off-code": codes[0]}
    )
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.totp_secret is None


def test_forms_need_the_csrf_token(csrf_enabled, login_as):
    user = create_user()
    client = login_as(user)
    secret = _setup_secret(client)
    r = client.post("/profile/two-factor/setup", data={"code": code_at(secret)})
    assert r.status_code == 400 and "Le formulaire a expiré" in r.text
    db.session.refresh(user)
    assert user.totp_secret is None
    enrolled, _codes = enrolled_user()
    client = login_as(enrolled)
    r = client.post(
        "/profile/two-factor/disable",
        data={"off-password": PASSWORD, "off-code": code_at(enrolled.totp_secret)},
    )
    assert r.status_code == 400
    g.pop("csrf_token", None)  # cached in the `g` all test requests share, for another session
    page = client.get("/profile/two-factor").text
    token = re.search(r'name="off-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = client.post(
        "/profile/two-factor/disable",
        data={
            "off-password": PASSWORD,
            "off-code": code_at(enrolled.totp_secret),
            "csrf_token": token,
        },
    )
    assert r.status_code == 302


@pytest.mark.parametrize(("role", "offered"), [("adviser", True), ("director", False)])
def test_offer_on_my_projects_for_advisers(login_as, role, offered):
    user = create_user()
    create_project({user: role})
    client = login_as(user)
    page = client.get("/")
    assert ("totp-offer" in page.text) is offered
    assert ("Recommandée" in client.get("/profile").text) is offered
    if offered:
        assert client.post("/profile/two-factor/later").status_code == 302
        assert "totp-offer" not in client.get("/").text


def test_offer_for_site_admins_until_enrolled(login_as):
    admin = create_user(is_admin=True)
    client = login_as(admin)
    assert "totp-offer" in client.get("/").text
    admin2, _codes = enrolled_user(is_admin=True)
    assert "totp-offer" not in login_as(admin2).get("/").text


def test_admin_can_remove_someone_elses_second_factor(login_as):
    admin = create_user(is_admin=True)
    user, _codes = enrolled_user()
    page = login_as(admin).get(f"/admin/users/{user.id}")
    assert f"/admin/users/{user.id}/two-factor/reset" in page.text
    assert login_as(user).post(f"/admin/users/{user.id}/two-factor/reset").status_code == 403
    r = login_as(admin).post(f"/admin/users/{user.id}/two-factor/reset")
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.totp_secret is None and _recovery_rows(user) == []
    admin2, _codes = enrolled_user(is_admin=True)
    r = login_as(admin2).post(f"/admin/users/{admin2.id}/two-factor/reset")
    assert r.status_code == 400
    db.session.refresh(admin2)
    assert admin2.totp_secret is not None


def test_secret_never_exported_nor_serialised(login_as):
    user, _codes = enrolled_user()
    project = create_project({user: "director"})
    data = export_project(project.id)
    rows = data["tables"]["user_account"]
    assert rows and all(not k.startswith("totp_") for row in rows for k in row)
    assert "recovery_code" not in data["tables"]
    me = login_as(user).get("/api/v1/me").get_json()
    assert user.totp_secret not in str(me) and not any("totp" in k for k in me)
