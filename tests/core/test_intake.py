"""The Pôle's intake (issue 17): a public form anyone may send (no account), kept whole,
advisers notified, the requester acknowledged by e-mail; a robot filling the honeypot is
thanked and nothing is kept; only the Pôle's advisers see the inbox and qualify a request,
and the requester is told the outcome."""

from __future__ import annotations

import pytest

from tests.factories import create_org, create_user, project_with_roles
from tests.mail import read_outbox
from workspace.extensions import db
from workspace.intake.models import IntakeRequest
from workspace.notifications.center import Notification

GOOD = {
    "need": "project",
    "organisation": "SAAD Les Oliviers",
    "organisation_kind": "saad",
    "town": "Orange",
    "contact_name": "Marie Dupont",
    "email": "marie.dupont@example.org",
    "phone": "04 90 00 00 00",
    "message": "Nous voulons mutualiser la paie avec deux SAAD voisins.\nOù commencer ?",
    "partners": "SAAD du Ventoux\nCCAS d'Orange",
    "consent": "y",
}


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(IntakeRequest.id)))


def test_anyone_sends_a_request_the_pole_is_told_the_requester_acknowledged(client):
    _project, people = project_with_roles()
    adviser = people["adviser"]  # a member of a network organisation: the Pôle
    page = client.get("/demande")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    assert 'class="intake-hp" aria-hidden="true"' in page.text  # the honeypot, hidden
    r = client.post("/demande", data=GOOD)
    assert r.status_code == 303 and r.headers["Location"].endswith("/demande/merci")
    [asked] = db.session.scalars(db.select(IntakeRequest)).all()
    assert (asked.organisation, asked.need, asked.status) == ("SAAD Les Oliviers", "project", "new")
    assert asked.message == GOOD["message"] and asked.partners == GOOD["partners"]
    [n] = db.session.scalars(db.select(Notification).filter_by(kind="intake_new")).all()
    assert n.user_id == adviser.id and "SAAD Les Oliviers" in n.text
    assert n.url == f"/pole/demandes/{asked.id}"
    mails = {m["to"]: m for m in read_outbox()}
    ack = mails["marie.dupont@example.org"]
    assert "bien reçue" in ack["subject"] and "Bonjour Marie Dupont" in ack["body"]
    assert "> Nous voulons mutualiser la paie" in ack["body"]
    assert adviser.email in mails  # intake_new: by e-mail by default
    thanks = client.get(r.headers["Location"])
    assert "Merci, votre demande est bien reçue" in thanks.text
    assert "marie.dupont@example.org" in thanks.text


def test_a_wrong_form_comes_back_with_french_errors_and_nothing_kept(client):
    r = client.post(
        "/demande", data={**GOOD, "email": "pas-une-adresse", "message": "", "consent": ""}
    )
    assert r.status_code == 400
    assert "Adresse e-mail invalide." in r.text and "Ce champ est obligatoire." in r.text
    assert 'value="SAAD Les Oliviers"' in r.text  # what was typed is kept
    r = client.post("/demande", data={**GOOD, "phone": "appelez-moi"})
    assert r.status_code == 400 and "Un numéro de téléphone" in r.text
    assert _count() == 0 and read_outbox() == []


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_kept(client):
    project_with_roles()
    r = client.post("/demande", data={**GOOD, "website": "http://spam.example"})
    assert r.status_code == 303
    assert _count() == 0 and read_outbox() == []
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0


def test_a_member_finds_the_form_filled_with_who_they_are(login_as):
    _project, people = project_with_roles()
    page = login_as(people["director"]).get("/demande").text
    assert f'value="{people["director"].email}"' in page
    assert f'value="{people["director"].organisation.name}"' in page


@pytest.mark.parametrize("who", ["director", "coordinator", "evaluator", "funder"])
def test_only_the_pole_sees_the_inbox(login_as, who):
    _project, people = project_with_roles()
    client = login_as(people[who])
    assert client.get("/pole/demandes").status_code == 403
    assert client.get("/pole/demandes/1").status_code == 403
    assert client.post("/pole/demandes/1", data={"status": "declined"}).status_code == 403


def test_site_admins_and_visitors_do_not_see_it_either(app, login_as):
    admin = create_user("Admin", organisation=create_org(kind="other"), is_admin=True)
    assert login_as(admin).get("/pole/demandes").status_code == 403
    r = login_as(None).get("/pole/demandes")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_an_adviser_qualifies_a_request_and_the_requester_is_told(client, login_as):
    _project, people = project_with_roles()
    client.post("/demande", data=GOOD)
    client.post(
        "/demande", data={**GOOD, "organisation": "EHPAD Les Tilleuls", "need": "information"}
    )
    read_outbox()  # the acknowledgements
    adviser = login_as(people["adviser"])
    inbox = adviser.get("/pole/demandes")
    assert inbox.status_code == 200
    assert "SAAD Les Oliviers" in inbox.text and "EHPAD Les Tilleuls" in inbox.text
    assert "à qualifier" in inbox.text
    first = db.session.scalar(db.select(IntakeRequest).filter_by(organisation="SAAD Les Oliviers"))
    page = adviser.get(f"/pole/demandes/{first.id}")
    assert (
        page.status_code == 200
        and "Où commencer ?" in page.text
        and "CCAS d&#39;Orange" in page.text
    )
    bad = adviser.post(f"/pole/demandes/{first.id}", data={"status": "new"})
    assert bad.status_code == 400 and "N&#39;est pas un choix valide." in bad.text
    r = adviser.post(
        f"/pole/demandes/{first.id}",
        data={"status": "accompaniment", "note": "Je vous appelle lundi."},
    )
    assert r.status_code == 303
    db.session.refresh(first)
    assert first.status == "accompaniment" and first.qualified_by_id == people["adviser"].id
    [mail] = [m for m in read_outbox() if "la suite donnée" in m["subject"]]
    assert mail["to"] == "marie.dupont@example.org"
    assert "accompagnement" in mail["body"] and "> Je vous appelle lundi." in mail["body"]
    filtered = adviser.get("/pole/demandes?status=new")
    assert "EHPAD Les Tilleuls" in filtered.text and "SAAD Les Oliviers" not in filtered.text
    assert adviser.get("/pole/demandes/999999").status_code == 404


def test_one_click_turns_a_request_into_a_project_with_its_requester_invited(client, login_as):
    from workspace.models import Invitation, Membership, Organisation, Project

    _project, people = project_with_roles()
    adviser = people["adviser"]
    client.post("/demande", data=GOOD)
    asked = db.session.scalar(db.select(IntakeRequest))
    read_outbox()
    pole = login_as(adviser)
    page = pole.get(f"/pole/demandes/{asked.id}")
    assert (
        "En faire un projet" in page.text and 'value="Coopération SAAD Les Oliviers"' in page.text
    )
    bad = pole.post(f"/pole/demandes/{asked.id}/projet", data={"name": "", "form": "gcsms"})
    assert bad.status_code == 400 and "Ce champ est obligatoire." in bad.text
    assert db.session.scalar(db.select(db.func.count(Project.id))) == 1  # nothing half-made
    r = pole.post(
        f"/pole/demandes/{asked.id}/projet",
        data={"name": "Paie partagée Orange", "form": "mutualisation"},
    )
    assert r.status_code == 303
    project = db.session.scalar(db.select(Project).filter_by(name="Paie partagée Orange"))
    assert r.headers["Location"].endswith(f"/projects/{project.id}/")
    assert (project.form, project.stage, project.territory) == (
        "mutualisation",
        "accompagnement",
        "Orange",
    )
    assert [o.name for o in project.partners] == ["SAAD Les Oliviers"]
    org = db.session.scalar(db.select(Organisation).filter_by(name="SAAD Les Oliviers"))
    assert (org.kind, org.town) == ("saad", "Orange")
    [mine] = db.session.scalars(db.select(Membership).filter_by(project_id=project.id)).all()
    assert (mine.user_id, mine.role, mine.coordinator) == (adviser.id, "adviser", False)
    invitation = db.session.scalar(db.select(Invitation).filter_by(project_id=project.id))
    assert (invitation.email, invitation.role, invitation.coordinator) == (
        "marie.dupont@example.org",
        "director",
        True,
    )
    [mail] = [m for m in read_outbox() if "Paie partagée Orange" in m["subject"]]
    assert mail["to"] == "marie.dupont@example.org" and "/invitations/" in mail["body"]
    db.session.refresh(asked)
    assert asked.project_id == project.id and asked.status == "accompaniment"
    assert "Paie partagée Orange" in pole.get(f"/pole/demandes/{asked.id}").text
    again = pole.post(f"/pole/demandes/{asked.id}/projet", data={"name": "Bis", "form": "gcsms"})
    assert again.status_code == 409
    assert pole.get(f"/projects/{project.id}/").status_code == 200  # the adviser is in


def test_a_known_organisation_is_reused_and_only_the_pole_converts(client, login_as):
    from workspace.models import Organisation

    _project, people = project_with_roles()
    known = create_org(name="SAAD Les Oliviers", kind="saad")
    client.post("/demande", data={**GOOD, "organisation": "saad les oliviers"})
    asked = db.session.scalar(db.select(IntakeRequest))
    for who in ("director", "funder"):
        r = login_as(people[who]).post(
            f"/pole/demandes/{asked.id}/projet", data={"name": "X", "form": "gcsms"}
        )
        assert r.status_code == 403
    login_as(people["adviser"]).post(
        f"/pole/demandes/{asked.id}/projet", data={"name": "X", "form": "gcsms"}
    )
    assert (
        db.session.scalar(
            db.select(db.func.count(Organisation.id)).filter(
                db.func.lower(Organisation.name) == "saad les oliviers"
            )
        )
        == 1
    )
    db.session.refresh(asked)
    assert [o.id for o in asked.project.partners] == [known.id]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("need", "autre", "N&#39;est pas un choix valide."),
        ("organisation", "x" * 201, "200 caractères au plus."),
        ("organisation_kind", "", "Ce champ est obligatoire."),
        ("organisation_kind", "funder", "N&#39;est pas un choix valide."),
        ("town", "x" * 121, "120 caractères au plus."),
        ("contact_name", "", "Ce champ est obligatoire."),
        ("phone", "0" * 31, "30 caractères au plus."),
        ("message", "x" * 4001, "4000 caractères au plus."),
        ("partners", "x" * 1001, "1000 caractères au plus."),
    ],
)
def test_each_field_refuses_a_bad_value_in_french(client, field, value, message):
    r = client.post("/demande", data={**GOOD, field: value})
    assert r.status_code == 400 and message in r.text, (field, value)
    assert _count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "accompaniment", "note": "x" * 2001}, "2000 caractères au plus."),
        ({"status": "", "note": ""}, "Ce champ est obligatoire."),
    ],
)
def test_the_qualification_refuses_a_bad_value(client, login_as, data, message):
    _project, people = project_with_roles()
    client.post("/demande", data=GOOD)
    asked = db.session.scalar(db.select(IntakeRequest))
    r = login_as(people["adviser"]).post(f"/pole/demandes/{asked.id}", data=data)
    assert r.status_code == 400 and message in r.text
    db.session.refresh(asked)
    assert asked.status == "new" and asked.note == ""


def test_the_conversion_refuses_an_unknown_form_or_a_long_name(client, login_as):
    from workspace.models import Project

    _project, people = project_with_roles()
    client.post("/demande", data=GOOD)
    asked = db.session.scalar(db.select(IntakeRequest))
    pole = login_as(people["adviser"])
    r = pole.post(f"/pole/demandes/{asked.id}/projet", data={"name": "X", "form": "empire"})
    assert r.status_code == 400 and "N&#39;est pas un choix valide." in r.text
    r = pole.post(f"/pole/demandes/{asked.id}/projet", data={"name": "x" * 201, "form": "gcsms"})
    assert r.status_code == 400 and "200 caractères au plus." in r.text
    assert db.session.scalar(db.select(db.func.count(Project.id))) == 1  # only the fixture's
