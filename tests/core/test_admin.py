"""Site administration: organisations and accounts, with their validation rules."""

from __future__ import annotations

import pytest

from tests.factories import create_org, create_user
from workspace.admin.forms import siret_ok
from workspace.auth.credentials import verify_password
from workspace.extensions import db
from workspace.models import Organisation, User

VALID_SIRET = "73282932000074"  # a well-known valid SIRET (Luhn)
NEW = "une-phrase-de-passe-neuve"


@pytest.fixture
def admin(login_as):
    return login_as(create_user("Alice Admin", is_admin=True))


def test_siret_checksum():
    assert siret_ok(VALID_SIRET)
    assert not siret_ok("73282932000075")
    assert not siret_ok("1234")
    assert siret_ok("35600000000048")  # La Poste's head office (Luhn)
    assert siret_ok("35600000000006")  # another La Poste establishment: digit sum rule
    assert not siret_ok("35600000000007")


def test_create_and_edit_organisation(admin):
    r = admin.post(
        "/admin/organisations/new",
        data={
            "name": "ADMR de Pertuis",
            "kind": "saad",
            "town": "Pertuis",
            "color": "#336699",
            "siret": "732 829 320 00074",
        },
    )
    assert r.status_code == 302
    org = db.session.scalar(db.select(Organisation).filter_by(name="ADMR de Pertuis"))
    assert (org.kind, org.town, org.siret, org.color) == ("saad", "Pertuis", VALID_SIRET, "#336699")
    r = admin.post(
        f"/admin/organisations/{org.id}",
        data={
            "name": "ADMR Pertuis",
            "kind": "association",
            "town": "",
            "color": "#336699",
            "siret": "",
        },
    )
    assert r.status_code == 302
    db.session.refresh(org)
    assert (org.name, org.kind, org.siret) == ("ADMR Pertuis", "association", None)
    assert "ADMR Pertuis" in admin.get("/admin/organisations").text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"name": "x" * 201}, "200 caractères au plus"),
        ({"name": "pôle existant"}, "Une organisation porte déjà ce nom."),
        ({"kind": "multinationale"}, "pas un choix valide"),
        ({"town": "x" * 121}, "120 caractères au plus"),
        ({"color": "rouge"}, "Couleur invalide"),
        ({"siret": "1234"}, "exactement 14 chiffres"),
        ({"siret": "7328293200007A"}, "exactement 14 chiffres"),
        ({"siret": "73282932000075"}, "clé de contrôle"),
        ({"siret": "1" * 21}, "20 caractères au plus"),
    ],
)
def test_organisation_bad_input(admin, change, message):
    create_org("Pôle existant")
    data = {"name": "Nouvelle", "kind": "saad", "town": "Apt", "color": "#336699", "siret": ""}
    r = admin.post("/admin/organisations/new", data={**data, **change})
    assert r.status_code == 400 and message in r.text
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 2  # admin's + existing


def test_create_user_and_edit(admin, app):
    org = create_org("Pôle Services")
    r = admin.post(
        "/admin/users/new",
        data={
            "email": " Sophie.Roux@Example.org ",
            "name": "Sophie Roux",
            "organisation_id": org.id,
            "active": "y",
            "password": NEW,
        },
    )
    assert r.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(email="sophie.roux@example.org"))
    assert user.organisation_id == org.id and verify_password(user.password_hash, NEW)
    assert user.active and not user.is_admin
    r = admin.post(
        f"/admin/users/{user.id}",
        data={
            "email": "sophie.roux@example.org",
            "name": "Sophie R.",
            "organisation_id": org.id,
            "is_admin": "y",
        },
    )
    assert r.status_code == 302, r.text
    db.session.refresh(user)
    assert user.name == "Sophie R." and user.is_admin and not user.active
    assert verify_password(user.password_hash, NEW)  # empty password: unchanged


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": ""}, "Ce champ est obligatoire."),
        ({"email": "pas-une-adresse"}, "Adresse e-mail invalide."),
        ({"email": "KARIM@example.org"}, "Un compte existe déjà avec cette adresse."),
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"name": "x" * 121}, "120 caractères au plus"),
        ({"organisation_id": "999999"}, "pas un choix valide"),
        ({"organisation_id": "abc"}, "ne peut pas être converti"),
        ({"password": ""}, "Ce champ est obligatoire."),
        ({"password": "court"}, "au moins 12 caractères"),
    ],
)
def test_user_bad_input(admin, change, message):
    create_user(email="karim@example.org")
    count = db.session.scalar(db.select(db.func.count(User.id)))
    org = db.session.scalar(db.select(Organisation.id).limit(1))
    data = {"email": "new@example.org", "name": "Nouvelle", "organisation_id": org, "password": NEW}
    r = admin.post("/admin/users/new", data={**data, **change})
    assert r.status_code == 400 and message in r.text
    assert db.session.scalar(db.select(db.func.count(User.id))) == count


def test_deactivate_signs_the_user_out(admin, login_as):
    user = create_user()
    their_client = login_as(user)
    assert their_client.get("/").status_code == 200
    assert admin.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    db.session.refresh(user)
    assert user.active is False
    assert their_client.get("/").status_code == 302


def test_admin_cannot_lock_themselves_out(login_as):
    me = create_user("Alice Admin", is_admin=True)
    client = login_as(me)
    assert client.post(f"/admin/users/{me.id}/deactivate").status_code == 400
    r = client.post(
        f"/admin/users/{me.id}",
        data={
            "email": me.email,
            "name": me.name,
            "organisation_id": me.organisation_id,
            "active": "y",
        },
    )
    assert r.status_code == 400 and "vos propres droits" in r.text
    db.session.refresh(me)
    assert me.is_admin and me.active


def test_unknown_ids_are_404(admin):
    assert admin.get("/admin/users/999999").status_code == 404
    assert admin.get("/admin/organisations/999999").status_code == 404
    assert admin.get("/admin/users/abc").status_code == 404
