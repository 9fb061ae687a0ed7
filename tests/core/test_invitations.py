"""Invitations: sent by coordinators, accepted once, expired / used / revoked links say so."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.factories import PASSWORD, create_org, create_user
from tests.mail import read_outbox
from workspace import operations
from workspace.auth.credentials import verify_password
from workspace.events import project_event
from workspace.extensions import db
from workspace.models import Activity, Invitation, Membership, Organisation, User, utcnow

NEW = "une-phrase-de-passe-neuve"


def _invite(client, project, email="nouvelle@example.org", role="adviser", coordinator=False):
    data = {"email": email, "role": role}
    if coordinator:
        data["coordinator"] = "y"
    return client.post(f"/projects/{project.id}/members/invite", data=data)


def _link() -> str:
    return re.search(r"http://localhost(/invitations/\S+)", read_outbox()[-1]["body"]).group(1)


def _membership(project, user):
    return db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=user.id)
    )


def test_coordinator_invites_by_email(roles_project, login_as):
    project, people = roles_project
    r = _invite(login_as(people["coordinator"]), project, "Nouvelle@Example.org")
    assert r.status_code == 200
    # the link is shown once, to copy (no mail server is configured: say so)
    shown = re.search(
        r'id="invite-link" type="text" readonly value="http://localhost([^"]+)"', r.text
    )
    assert shown and shown.group(1) == _link()
    assert "Copier le lien" in r.text and "Aucun serveur d'e-mail" in r.text
    assert 'value="nouvelle@example.org"' not in r.text  # the form is ready for the next one
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation.email == "nouvelle@example.org" and invitation.role == "adviser"
    assert invitation.expires_at - utcnow() > timedelta(days=6, hours=23)
    [mail] = read_outbox()
    assert mail["to"] == "nouvelle@example.org"
    assert project.name in mail["subject"]
    assert "Claire Coordinatrice" in mail["body"] and "Conseil du Pôle" in mail["body"]
    token = _link().rsplit("/", 1)[1]
    assert invitation.token_hash != token
    page = login_as(people["coordinator"]).get(f"/projects/{project.id}/members/")
    assert "nouvelle@example.org" in page.text and "Invitations en attente" in page.text


def test_invitation_bad_input(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["coordinator"])
    cases = [
        ({"email": "", "role": "adviser"}, "Ce champ est obligatoire."),
        ({"email": "pas-une-adresse", "role": "adviser"}, "Adresse e-mail invalide."),
        ({"email": "a" * 250 + "@example.org", "role": "adviser"}, "254 caractères au plus"),
        ({"email": "x@example.org", "role": "king"}, "pas un choix valide"),
        (
            {"email": "x@example.org", "role": "funder", "coordinator": "y"},
            "Seule une direction partenaire peut coordonner le projet.",
        ),
        ({"email": people["director"].email, "role": "adviser"}, "déjà membre du projet"),
    ]
    for data, message in cases:
        r = client.post(f"/projects/{project.id}/members/invite", data=data)
        assert r.status_code == 400, data
        assert message in r.text, (data, message)
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 0
    assert read_outbox() == []


def test_new_person_creates_an_account_and_joins(roles_project, login_as, app):
    project, people = roles_project
    _invite(login_as(people["coordinator"]), project, role="director", coordinator=True)
    link = _link()
    received = []

    def listen(sender, event):
        received.append(event)

    project_event.connect(listen)
    try:
        visitor = app.test_client()
        page = visitor.get(link)
        assert page.status_code == 200 and "Créez votre compte" in page.text
        r = visitor.post(
            link,
            data={
                "name": "Sophie Roux",
                "organisation": "0",
                "new_organisation": "Services de Cavaillon",
                "new_organisation_kind": "ccas",
                "password": NEW,
                "confirm": NEW,
            },
        )
    finally:
        project_event.disconnect(listen)
    assert r.status_code == 302 and r.headers["Location"] == f"/projects/{project.id}/"
    user = db.session.scalar(db.select(User).filter_by(email="nouvelle@example.org"))
    assert user.name == "Sophie Roux" and verify_password(user.password_hash, NEW)
    assert user.organisation.name == "Services de Cavaillon" and user.organisation.kind == "ccas"
    m = _membership(project, user)
    assert m.role == "director" and m.coordinator
    assert user.organisation in project.partners
    # Signed in straight away.
    assert visitor.get(f"/projects/{project.id}/").status_code == 200
    joined = [e for e in received if e.type == "member:joined"]
    assert joined and joined[0].data["invited_by"] == people["coordinator"].id
    assert joined[0].data["url"] == f"/projects/{project.id}/members/"
    assert db.session.scalar(db.select(Activity).filter_by(verb="member:joined")) is not None


def test_new_account_form_bad_input(roles_project, login_as, app):
    project, people = roles_project
    _invite(login_as(people["coordinator"]), project)
    link = _link()
    existing = create_org("Pôle Services")
    good = {
        "name": "Sophie Roux",
        "organisation": str(existing.id),
        "new_organisation": "",
        "new_organisation_kind": "ccas",
        "password": NEW,
        "confirm": NEW,
    }
    cases = [
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"name": "x" * 121}, "120 caractères au plus"),
        ({"organisation": ""}, "Choisissez votre organisation, ou « Autre organisation »"),
        ({"organisation": "0"}, "Choisissez votre organisation dans la liste"),
        ({"organisation": "0", "new_organisation": "pôle services"}, "existe déjà"),
        ({"organisation": "0", "new_organisation": "x" * 201}, "200 caractères au plus"),
        (
            {"organisation": "0", "new_organisation": "Neuve", "new_organisation_kind": "zz"},
            "choix",
        ),
        ({"organisation": "abc"}, "ne peut pas être converti"),
        ({"password": "court", "confirm": "court"}, "au moins 12 caractères"),
        ({"confirm": "autre-chose-encore"}, "ne correspondent pas"),
    ]
    visitor = app.test_client()
    page = visitor.get(link).text
    select = re.search(r'<select[^>]*name="organisation".*?</select>', page, re.S).group(0)
    first, *others = select.split("<option")[1:]
    assert 'selected value=""' in first and "Choisissez votre organisation" in first
    assert not any("selected" in option for option in others)  # none preselected
    users_before = db.session.scalar(db.select(db.func.count(User.id)))
    for change, message in cases:
        r = visitor.post(link, data={**good, **change})
        assert r.status_code == 400, change
        assert message in r.text, (change, message)
    assert db.session.scalar(db.select(db.func.count(User.id))) == users_before
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 8
    assert db.session.scalar(db.select(Invitation)).accepted_at is None


def test_signed_in_with_the_invited_email_joins(roles_project, login_as):
    project, people = roles_project
    invited = create_user("Karim Benali", email="karim@example.org")
    _invite(login_as(people["coordinator"]), project, "karim@example.org", "evaluator")
    link = _link()
    client = login_as(invited)
    page = client.get(link)
    assert page.status_code == 200 and "Rejoindre le projet" in page.text
    assert _membership(project, invited) is None
    assert client.post(link).status_code == 302
    assert _membership(project, invited).role == "evaluator"


def test_existing_account_not_signed_in_is_asked_to_sign_in(roles_project, login_as, app):
    project, people = roles_project
    create_user(email="karim@example.org")
    _invite(login_as(people["coordinator"]), project, "karim@example.org")
    link = _link()
    page = app.test_client().get(link)
    assert page.status_code == 200 and "connectez-vous pour accepter" in page.text
    assert "next=" in page.text
    # And the sign-in brings them back to the invitation.
    r = app.test_client().post(
        f"/login?next={link}", data={"email": "karim@example.org", "password": PASSWORD}
    )
    assert r.headers["Location"] == link


def test_signed_in_as_someone_else_gets_a_clear_message(roles_project, login_as):
    project, people = roles_project
    _invite(login_as(people["coordinator"]), project, "karim@example.org")
    link = _link()
    someone = create_user(email="autre@example.org")
    client = login_as(someone)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        assert "adressée à karim@example.org" in response.text
        assert "autre@example.org" in response.text
    assert _membership(project, someone) is None
    assert db.session.scalar(db.select(Invitation)).accepted_at is None


def test_used_link_says_so(roles_project, login_as, app):
    project, people = roles_project
    _invite(login_as(people["coordinator"]), project)
    link = _link()
    data = {
        "name": "Sophie Roux",
        "organisation": str(people["director"].organisation_id),
        "new_organisation_kind": "ccas",
        "password": NEW,
        "confirm": NEW,
    }
    assert app.test_client().post(link, data=data).status_code == 302
    again = app.test_client().get(link)
    assert again.status_code == 410 and "déjà été utilisée" in again.text
    assert app.test_client().post(link, data=data).status_code == 410
    assert db.session.scalar(db.select(db.func.count(User.id))) == 8


def test_expired_link_says_so(roles_project, login_as, app):
    project, people = roles_project
    _invite(login_as(people["coordinator"]), project)
    link = _link()
    invitation = db.session.scalar(db.select(Invitation))
    invitation.expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    r = app.test_client().get(link)
    assert r.status_code == 410 and "Cette invitation a expiré" in r.text
    assert project.name in r.text


def test_revoked_link_says_so(roles_project, login_as, app):
    project, people = roles_project
    coordinator = login_as(people["coordinator"])
    _invite(coordinator, project)
    link = _link()
    invitation = db.session.scalar(db.select(Invitation))
    r = coordinator.post(f"/projects/{project.id}/members/invitations/{invitation.id}/revoke")
    assert r.status_code == 302
    r = app.test_client().get(link)
    assert r.status_code == 410 and "Cette invitation a été annulée" in r.text
    page = coordinator.get(f"/projects/{project.id}/members/").text
    assert f'id="invitation-{invitation.id}"' not in page


def test_resend_replaces_the_link(roles_project, login_as, app):
    project, people = roles_project
    coordinator = login_as(people["coordinator"])
    _invite(coordinator, project)
    first = _link()
    invitation = db.session.scalar(db.select(Invitation))
    invitation.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = coordinator.get(f"/projects/{project.id}/members/")
    assert "expirée" in page.text
    r = coordinator.post(f"/projects/{project.id}/members/invitations/{invitation.id}/resend")
    assert r.status_code == 200
    second = _link()
    assert f'value="http://localhost{second}"' in r.text  # the new link, to copy
    assert second != first and len(read_outbox()) == 2
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_unknown_invitation_token(app):
    r = app.test_client().get("/invitations/" + "x" * 5000)
    assert r.status_code == 404 and "Cette invitation n'est pas valide" in r.text


def test_already_member_accepting_gets_409(roles_project, login_as):
    project, people = roles_project
    _invitation, token = operations.invite(
        project, people["coordinator"], people["funder"].email, "funder", False
    )
    db.session.commit()
    r = login_as(people["funder"]).post(f"/invitations/{token}")
    assert r.status_code == 409 and "déjà membre" in r.text
