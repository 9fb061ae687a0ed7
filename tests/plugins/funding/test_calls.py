"""The funder's calls for applications (issue 17, part 3): opened and edited by the funder's
staff for their organisation, seen by everyone signed in once open; bad input refused in
French with nothing kept; a stale edit is a conflict."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from plugins.funding.calls import CallState, FundingCall
from tests.factories import create_org, create_user, project_with_roles
from workspace.extensions import db
from workspace.models import count

TODAY = date.today()


def _form(**over) -> dict:
    data = {
        "title": "Aide au démarrage 2027",
        "description": "Pour les groupements en création.\nDossier complet exigé.",
        "envelope": "120 000,00",
        "opens_on": (TODAY - timedelta(days=1)).isoformat(),
        "closes_on": (TODAY + timedelta(days=60)).isoformat(),
    }
    return {**data, **over}


@pytest.fixture
def people():
    _project, people = project_with_roles()
    people["other_funder"] = create_user(
        "Agent d'un autre financeur", organisation=create_org(kind="funder")
    )
    return people


def _call(people, who="funder", **over) -> FundingCall:
    values = {
        "title": "Appel ouvert",
        "envelope": Decimal("90000.00"),
        "opens_on": TODAY - timedelta(days=5),
        "closes_on": TODAY + timedelta(days=30),
        **over,
    }
    user = people[who]
    call = FundingCall(funder_id=user.organisation_id, created_by_id=user.id, **values)
    db.session.add(call)
    db.session.commit()
    return call


def test_the_funders_staff_open_a_call(people, login_as):
    c = login_as(people["funder"])
    assert "Nouvel appel" in c.get("/appels").text
    r = c.post("/appels/nouveau", data=_form())
    assert r.status_code == 303
    call = db.session.scalar(db.select(FundingCall))
    assert r.headers["Location"].endswith(f"/appels/{call.id}")
    assert call.funder_id == people["funder"].organisation_id
    assert call.envelope == Decimal("120000.00") and call.state(TODAY) == CallState.OPEN
    page = c.get(f"/appels/{call.id}").text
    assert "Aide au démarrage 2027" in page and "120" in page and "ouvert" in page
    assert "Modifier l'appel" in page
    journal = page.replace("&#39;", "'")
    assert "Historique de l'appel" in journal and "a ouvert l'appel" in journal


@pytest.mark.parametrize("who", ["coordinator", "director", "adviser", "evaluator", "outsider"])
def test_only_funder_staff_may_open_one(people, login_as, who):
    c = login_as(people[who])
    assert "Nouvel appel" not in c.get("/appels").text
    assert c.get("/appels/nouveau").status_code == 403
    assert c.post("/appels/nouveau", data=_form()).status_code == 403
    assert count(db.select(FundingCall)) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Ce champ est obligatoire"),
        ("title", "x" * 201, "200 caractères au plus"),
        ("envelope", "", "Indiquez un montant"),
        ("envelope", "-5", "ne peut pas être négatif"),
        ("envelope", "douze", "Montant invalide"),
        ("opens_on", "", "Ce champ est obligatoire"),
        ("closes_on", (TODAY - timedelta(days=9)).isoformat(), "ne peut pas précéder"),
    ],
)
def test_a_bad_value_is_refused_in_french_and_nothing_kept(people, login_as, field, value, message):
    r = login_as(people["funder"]).post("/appels/nouveau", data=_form(**{field: value}))
    assert r.status_code == 400 and message in r.text
    assert count(db.select(FundingCall)) == 0


def test_an_upcoming_call_is_its_funders_alone(people, login_as):
    soon = _call(people, title="Appel à venir", opens_on=TODAY + timedelta(days=10),
                 closes_on=TODAY + timedelta(days=40))  # fmt: skip
    open_call = _call(people, "other_funder", title="Appel d'un autre")
    closed = _call(people, title="Appel clos", opens_on=TODAY - timedelta(days=90),
                   closes_on=TODAY - timedelta(days=30))  # fmt: skip
    staff = login_as(people["funder"]).get("/appels").text
    # theirs to come, everyone's open ones, then closed ones
    assert (
        staff.index("Appel d&#39;un autre")
        < staff.index("Appel à venir")
        < staff.index("Appel clos")
    )
    coordinator = login_as(people["coordinator"])
    listed = coordinator.get("/appels").text
    assert "Appel à venir" not in listed and "Appel d&#39;un autre" in listed
    assert coordinator.get(f"/appels/{soon.id}").status_code == 404
    assert coordinator.get(f"/appels/{open_call.id}").status_code == 200
    assert coordinator.get(f"/appels/{closed.id}").status_code == 200
    assert "Modifier l'appel" not in coordinator.get(f"/appels/{closed.id}").text
    assert login_as(None).get("/appels").status_code == 302


def test_only_its_funders_staff_edit_a_call(people, login_as):
    call = _call(people)
    for who in ("other_funder", "coordinator", "adviser"):
        r = login_as(people[who]).post(
            f"/appels/{call.id}/modifier", data=_form(version=call.version)
        )
        assert r.status_code == 403, who
    c = login_as(people["funder"])
    r = c.post(f"/appels/{call.id}/modifier", data=_form(title="Appel revu", version=call.version))
    assert r.status_code == 303
    db.session.refresh(call)
    assert call.title == "Appel revu" and call.version == 2


def test_a_stale_edit_is_a_conflict_and_changes_nothing(people, login_as):
    call = _call(people)
    c = login_as(people["funder"])
    assert c.post(f"/appels/{call.id}/modifier", data=_form(version=1)).status_code == 303
    r = c.post(f"/appels/{call.id}/modifier", data=_form(title="Écrasé ?", version=1))
    assert r.status_code == 409
    db.session.refresh(call)
    assert call.title == "Aide au démarrage 2027"


def test_the_calls_are_in_everyones_menu(people, login_as):
    page = login_as(people["director"]).get("/").text
    assert 'href="/appels"' in page and "Appels à candidatures" in page


def test_the_demo_funder_has_opened_a_call(app):
    from workspace.projects.demo import load_demo

    load_demo()
    [call] = db.session.scalars(db.select(FundingCall)).all()
    assert call.funder.name.startswith("Conseil départemental")
    assert call.envelope == Decimal("90000.00") and call.opens_on < call.closes_on
    load_demo()  # loading again adds nothing
    assert count(db.select(FundingCall)) == 1


def test_the_api_lists_the_calls_one_sees(app, people):
    from tests.api.conftest import Api, make_token

    soon = _call(people, title="Appel à venir", opens_on=TODAY + timedelta(days=10),
                 closes_on=TODAY + timedelta(days=40))  # fmt: skip
    open_call = _call(people, "other_funder", title="Appel d'un autre")
    url = "/api/v1/funding/calls"
    staff = Api(app.test_client(), make_token(people["funder"], "read")).get(url).json["data"]
    assert [c["id"] for c in staff] == [soon.id, open_call.id]
    assert staff[0]["state"] == "upcoming" and staff[1]["envelope"] == "90000.00"
    coordinator = Api(app.test_client(), make_token(people["coordinator"], "read"))
    assert [c["id"] for c in coordinator.get(url).json["data"]] == [open_call.id]
    paged = Api(app.test_client(), make_token(people["funder"])).get(url + "?limit=1").json
    assert len(paged["data"]) == 1 and paged["next_cursor"]
    assert Api(app.test_client()).get(url).status_code == 401
