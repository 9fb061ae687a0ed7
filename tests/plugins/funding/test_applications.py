"""Applications to a call (issue 17, parts 3–4): a coordinator submits from the funding file,
the seed's rules checked first; the funder's staff score per criterion, compare, decide; the
line, the envelope, the project and its coordination follow."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import current_app

from plugins.funding import application_ops
from plugins.funding.applications import ApplicationStatus, FundingApplication, FundingScore
from plugins.funding.calls import FundingCall
from plugins.funding.models import FundingLine
from plugins.milestones import operations as ms_ops
from tests.factories import create_project, create_user
from workspace.extensions import db
from workspace.models import count
from workspace.notifications.center import Notification

from .conftest import make_line

TODAY = date.today()
PDF = b"%PDF-1.4\n% devis\n"


def _quote(login_as, world):
    project, line = world["project"], world["line"]
    c = login_as(world["people"]["director"])
    r = c.post(
        f"/projects/{project.id}/funding/lines/{line.id}/documents",
        data={"file": (io.BytesIO(PDF), "devis-avocat.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code in (302, 303), r.text


def _agreement(world):
    project, people = world["project"], world["people"]
    with current_app.test_request_context():
        m = ms_ops.create_milestone(project, people["director"], title="Accord", is_agreement=True)
        ms_ops.submit(m, people["director"], "Signé")
        ms_ops.validate(m, people["adviser"])
        db.session.commit()


def _ready(login_as, world):
    _quote(login_as, world)
    _agreement(world)


def _apply(login_as, world, who="coordinator"):
    call, project = world["call"], world["project"]
    return login_as(world["people"][who]).post(
        f"/appels/{call.id}/candidater", data={"project": project.id}
    )


def _submitted(login_as, world) -> FundingApplication:
    _ready(login_as, world)
    assert _apply(login_as, world).status_code == 303
    return db.session.scalar(db.select(FundingApplication))


def test_the_checklist_names_every_unmet_rule_and_nothing_is_submitted(world, login_as):
    c = login_as(world["people"]["coordinator"])
    page = c.get(f"/appels/{world['call'].id}/candidater")
    assert page.status_code == 200
    assert "Au moins un devis est joint" in page.text
    assert "accord des parties" in page.text
    assert "Déposer la candidature" not in page.text  # the button waits for every rule
    r = _apply(login_as, world)
    assert r.status_code == 422
    assert "Au moins un devis est joint" in r.text
    assert count(db.select(FundingApplication)) == 0
    assert db.session.get(FundingLine, world["line"].id).status == "planned"


def test_a_coordinator_submits_and_the_line_is_requested(world, login_as):
    _ready(login_as, world)
    page = login_as(world["people"]["coordinator"]).get(f"/appels/{world['call'].id}/candidater")
    assert "Déposer la candidature" in page.text
    r = _apply(login_as, world)
    assert r.status_code == 303
    assert r.headers["Location"].endswith(f"/projects/{world['project'].id}/funding/#applications")
    app = db.session.scalar(db.select(FundingApplication))
    assert app.amount == Decimal("12000.00") and app.purpose_category == "legal_support"
    assert app.agreement_on == TODAY and app.status == "submitted"
    line = db.session.get(FundingLine, world["line"].id)
    assert line.status == "requested" and line.requested_on == TODAY
    # The funder's staff are told; the other funder's are not.
    told = set(
        db.session.scalars(db.select(Notification.user_id).filter_by(kind="application_submitted"))
    )
    assert told == {world["people"]["funder"].id, world["people"]["colleague"].id}
    # The project's funding file shows it; the second submission is refused.
    index = login_as(world["people"]["director"]).get(f"/projects/{world['project'].id}/funding/")
    assert "Candidatures aux appels" in index.text and "Aide au démarrage 2027" in index.text
    again = login_as(world["people"]["coordinator"]).get(f"/appels/{world['call'].id}/candidater")
    assert again.status_code == 302
    assert count(db.select(FundingApplication)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount_requested": Decimal("5000.00")}, "compris entre 6 000 € et 15 000 €"),
        ({"purpose_category": "preliminary_study"}, "pas une étude préalable"),
    ],
)
def test_the_seeds_rules_refuse_a_submission(world, login_as, change, message):
    _ready(login_as, world)
    line = db.session.get(FundingLine, world["line"].id)
    for key, value in change.items():  # bypassing the line rules, as old data could
        setattr(line, key, value)
    db.session.commit()
    r = _apply(login_as, world)
    assert r.status_code == 422 and message in r.text
    assert count(db.select(FundingApplication)) == 0


def test_one_aid_per_groupement_across_calls(world, login_as):
    _submitted(login_as, world)
    people = world["people"]
    second = FundingCall(
        funder_id=people["funder"].organisation_id,
        created_by_id=people["funder"].id,
        title="Second appel",
        envelope=Decimal("50000.00"),
        opens_on=TODAY - timedelta(days=1),
        closes_on=TODAY + timedelta(days=10),
    )
    db.session.add(second)
    db.session.commit()
    r = login_as(people["coordinator"]).post(
        f"/appels/{second.id}/candidater", data={"project": world["project"].id}
    )
    assert r.status_code == 422 and "Une seule aide par groupement" in r.text
    assert count(db.select(FundingApplication)) == 1


def test_a_closed_call_takes_no_application(world, login_as):
    _ready(login_as, world)
    world["call"].closes_on = TODAY - timedelta(days=1)
    db.session.commit()
    r = _apply(login_as, world)
    assert r.status_code == 422 and "L'appel est ouvert" in r.text
    assert count(db.select(FundingApplication)) == 0


@pytest.mark.parametrize("who", ["director", "adviser", "evaluator", "funder", "outsider"])
def test_only_a_coordinator_applies(world, login_as, who):
    _ready(login_as, world)
    assert _apply(login_as, world, who).status_code == 403
    assert count(db.select(FundingApplication)) == 0


def test_a_coordinator_cannot_apply_for_a_project_they_do_not_coordinate(world, login_as):
    _ready(login_as, world)
    people = world["people"]
    mine = create_project({people["outsider"]: "director"}, coordinators=[people["outsider"]])
    r = login_as(people["outsider"]).post(
        f"/appels/{world['call'].id}/candidater", data={"project": world["project"].id}
    )
    assert r.status_code == 422 and "Choisissez le projet" in r.text
    assert count(db.select(FundingApplication)) == 0
    assert mine.id != world["project"].id


def test_the_line_is_frozen_while_the_funder_instructs(world, login_as):
    _submitted(login_as, world)
    project, line = world["project"], world["line"]
    r = login_as(world["people"]["director"]).post(
        f"/projects/{project.id}/funding/lines/{line.id}/edit",
        data={
            "funder_id": str(line.funder_id),
            "kind": "startup_aid",
            "status": "requested",
            "purpose_category": "legal_support",
            "purpose": "Avocat",
            "amount_requested": "15 000,00",
            "amount_granted": "",
            "amount_paid": "",
            "version": str(db.session.get(FundingLine, line.id).version),
        },
    )
    assert r.status_code == 400 and "attend la décision du financeur" in r.text
    assert db.session.get(FundingLine, line.id).amount_requested == Decimal("12000.00")


def _score(login_as, world, who, app, **marks):
    data = {}
    for key, (score, comment) in marks.items():
        data[f"score_{key}"], data[f"comment_{key}"] = str(score), comment
    return login_as(world["people"][who]).post(
        f"/appels/{world['call'].id}/candidatures/{app.id}/notes", data=data
    )


def test_staff_score_each_criterion_and_compare(world, login_as):
    app = _submitted(login_as, world)
    r = _score(
        login_as,
        world,
        "funder",
        app,
        complexity=(4, "Trois SAAD, deux territoires"),
        economies=(3, "Mutualisation du standard"),
        service=(5, "Continuité le week-end"),
    )
    assert r.status_code == 303
    assert _score(login_as, world, "colleague", app, complexity=(2, "Petit")).status_code == 303
    # Scoring again replaces my own marks.
    assert _score(login_as, world, "funder", app, complexity=(5, "Revu")).status_code == 303
    scores = db.session.scalars(db.select(FundingScore).order_by(FundingScore.id)).all()
    assert len(scores) == 4
    db.session.expire_all()
    averages = db.session.get(FundingApplication, app.id).averages()
    assert averages["complexity"] == Decimal("3.5")
    assert averages["economies"] == Decimal("3.0") and averages["service"] == Decimal("5.0")
    assert averages["total"] == Decimal("3.8")
    page = login_as(world["people"]["funder"]).get(f"/appels/{world['call'].id}/comparaison")
    assert page.status_code == 200
    assert world["project"].name in page.text and "Continuité le week-end" in page.text
    assert "3,5 / 5" in page.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score_complexity": "9"}, "Not a valid choice"),
        ({}, "Donnez au moins une note."),
        ({"score_service": "3", "comment_service": "x" * 2001}, "2000"),
    ],
)
def test_a_wrong_score_is_refused_and_nothing_is_kept(world, login_as, data, message):
    app = _submitted(login_as, world)
    r = login_as(world["people"]["funder"]).post(
        f"/appels/{world['call'].id}/candidatures/{app.id}/notes", data=data
    )
    assert r.status_code == 422
    assert count(db.select(FundingScore)) == 0


def _decide(login_as, world, app, who="funder", **data):
    data.setdefault("version", str(db.session.get(FundingApplication, app.id).version))
    return login_as(world["people"][who]).post(
        f"/appels/{world['call'].id}/candidatures/{app.id}/decision", data=data
    )


def test_the_decision_grants_the_aid_and_consumes_the_envelope(world, login_as):
    app = _submitted(login_as, world)
    r = _decide(login_as, world, app, decision="granted", amount_granted="10 000,00", reason="")
    assert r.status_code == 303
    db.session.expire_all()
    app = db.session.get(FundingApplication, app.id)
    assert app.status == ApplicationStatus.GRANTED.value
    assert app.amount_granted == Decimal("10000.00") and app.decided_on == TODAY
    line = db.session.get(FundingLine, world["line"].id)
    assert line.status == "granted" and line.amount_granted == Decimal("10000.00")
    page = login_as(world["people"]["funder"]).get(f"/appels/{world['call'].id}")
    assert "10\u202f000,00\xa0€" in page.text  # granted
    assert "Encore disponible" in page.text
    notified = db.session.scalar(db.select(Notification).filter_by(kind="application_decided"))
    assert notified.user_id == world["people"]["coordinator"].id
    # The project sees the decision; a second decision is refused.
    again = _decide(login_as, world, app, decision="refused", reason="Revu")
    assert again.status_code == 422
    assert db.session.get(FundingApplication, app.id).status == "granted"


def test_a_refusal_needs_a_reason_and_reaches_the_project(world, login_as):
    app = _submitted(login_as, world)
    r = _decide(login_as, world, app, decision="refused", reason="")
    assert r.status_code == 422 and "Indiquez le motif du refus." in r.text
    assert db.session.get(FundingApplication, app.id).status == "submitted"
    reason = "Le projet n'associe pas encore d'autre territoire."
    assert _decide(login_as, world, app, decision="refused", reason=reason).status_code == 303
    db.session.expire_all()
    assert db.session.get(FundingLine, world["line"].id).status == "refused"
    index = login_as(world["people"]["coordinator"]).get(
        f"/projects/{world['project'].id}/funding/"
    )
    assert reason.replace("'", "&#39;") in index.text and "Refusée" in index.text
    assert "/5" not in index.text  # the scores stay with the funder


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Indiquez le montant accordé."),
        ("5 000,00", "comprise entre 6 000 € et 15 000 €"),
        ("13 000,00", "ne peut dépasser le montant demandé"),
        ("abc", "Montant invalide"),
    ],
)
def test_a_wrong_grant_is_refused(world, login_as, amount, message):
    app = _submitted(login_as, world)
    r = _decide(login_as, world, app, decision="granted", amount_granted=amount)
    assert r.status_code == 422 and message in r.text
    assert db.session.get(FundingApplication, app.id).status == "submitted"
    assert db.session.get(FundingLine, world["line"].id).status == "requested"


def test_the_envelope_bounds_the_grants(world, login_as):
    app = _submitted(login_as, world)
    world["call"].envelope = Decimal("8000.00")
    db.session.commit()
    r = _decide(login_as, world, app, decision="granted", amount_granted="9 000,00")
    assert r.status_code == 422 and "plus que 8" in r.text


def test_a_stale_decision_is_a_conflict(world, login_as):
    app = _submitted(login_as, world)
    r = _decide(login_as, world, app, decision="refused", reason="Non", version="0")
    assert r.status_code == 409
    assert db.session.get(FundingApplication, app.id).status == "submitted"


@pytest.mark.parametrize("who", ["other_funder", "coordinator", "adviser", "evaluator"])
def test_only_the_calls_staff_instruct(world, login_as, who):
    app = _submitted(login_as, world)
    c = login_as(world["people"][who])
    base = f"/appels/{world['call'].id}"
    assert c.get(f"{base}/candidatures/{app.id}").status_code == 403
    assert c.get(f"{base}/comparaison").status_code == 403
    assert _score(login_as, world, who, app, complexity=(3, "")).status_code == 403
    assert _decide(login_as, world, app, who, decision="refused", reason="x").status_code == 403
    assert count(db.select(FundingScore)) == 0
    assert db.session.get(FundingApplication, app.id).status == "submitted"


def test_the_staff_read_the_quotes_without_being_members(world, login_as):
    app = _submitted(login_as, world)
    c = login_as(world["people"]["colleague"])
    page = c.get(f"/appels/{world['call'].id}/candidatures/{app.id}")
    assert page.status_code == 200 and "devis-avocat.pdf" in page.text
    doc = db.session.get(FundingLine, world["line"].id).documents[0]
    r = c.get(f"/appels/{world['call'].id}/candidatures/{app.id}/pieces/{doc.id}")
    assert r.status_code == 200 and r.data == PDF
    assert (
        c.get(f"/appels/{world['call'].id}/candidatures/{app.id}/pieces/999999").status_code == 404
    )


def test_operations_refuse_a_decision_on_a_decided_application(world, login_as):
    app = _submitted(login_as, world)
    with current_app.test_request_context():
        application_ops.decide(app, world["people"]["funder"], TODAY, granted=False, reason="Non")
        db.session.commit()
        with pytest.raises(application_ops.ops.RuleBroken):
            application_ops.decide(
                app, world["people"]["funder"], TODAY, granted=True, amount=Decimal("9000")
            )


def test_the_funding_file_offers_the_open_call_to_the_coordination(world, login_as):
    url = f"/projects/{world['project'].id}/funding/"
    offer = f"/appels/{world['call'].id}/candidater?project={world['project'].id}"
    assert offer in login_as(world["people"]["coordinator"]).get(url).text
    assert offer not in login_as(world["people"]["director"]).get(url).text
    _submitted(login_as, world)
    page = login_as(world["people"]["coordinator"]).get(url).text
    assert offer not in page and "Candidatures aux appels" in page


def _statements(client, url) -> list[str]:
    from sqlalchemy import event

    client.get(url)  # warm the caches a page keeps between requests
    seen = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return seen


def _more_applications(world, n: int) -> None:
    """``n`` more projects' applications to the call, each with its line and a score."""
    people, call = world["people"], world["call"]
    for i in range(n):
        coordinator = create_user(f"Coordinatrice {i}")
        project = create_project({coordinator: "director"}, coordinators=[coordinator])
        line = make_line(project, coordinator, funder_id=call.funder_id)
        application = FundingApplication(
            call_id=call.id,
            project_id=project.id,
            line_id=line.id,
            amount=line.amount_requested,
            purpose_category=line.purpose_category,
            submitted_by_id=coordinator.id,
        )
        application.scores.append(
            FundingScore(scorer_id=people["funder"].id, criterion="service", score=3)
        )
        db.session.add(application)
    db.session.commit()


@pytest.mark.parametrize("page", ["", "/comparaison"])
def test_the_calls_pages_read_a_fixed_number_of_statements(world, login_as, page):
    _submitted(login_as, world)
    client = login_as(world["people"]["funder"])
    url = f"/appels/{world['call'].id}{page}"
    _more_applications(world, 1)
    few = _statements(client, url)
    _more_applications(world, 3)
    many = _statements(client, url)
    assert len(many) <= len(few), "\n\n".join(many)


def test_the_calls_journal_tells_its_staff_every_step(world, login_as):
    app = _submitted(login_as, world)
    _score(login_as, world, "colleague", app, service=(4, "Bien"))
    _decide(login_as, world, app, decision="refused", reason="Hors critères")
    page = login_as(world["people"]["funder"]).get(f"/appels/{world['call'].id}").text
    page = page.replace("&#39;", "'")
    journal = page[page.index("Historique de l'appel") :]
    name = world["project"].name
    for said in ("a déposé la candidature", "a noté la candidature", "a refusé l'aide"):
        assert said in journal and name.replace("'", "&#39;") in journal.replace("'", "&#39;")
    assert journal.index("a refusé") < journal.index("a déposé")  # newest first
    member = login_as(world["people"]["coordinator"]).get(f"/appels/{world['call'].id}").text
    assert "Historique de l" not in member
