"""A granted aid's follow-up (issue 17, part 4): the notification letter built by a background
job, payments within the grant, justification, the groupement's creation by the deadline —
else a reminder, then the aid due back — and its repayment."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from pypdf import PdfReader

from plugins.funding.aid_followup import REMIND_DAYS, check_deadlines
from plugins.funding.applications import FundingApplication, FundingPayment
from plugins.funding.models import FundingLine
from tests.jobs import run_jobs
from workspace.extensions import db
from workspace.models import count
from workspace.notifications.center import Notification

from .test_applications import _decide, _submitted

TODAY = date.today()


def _granted(login_as, world, amount="10 000,00", **over):
    app = _submitted(login_as, world)
    r = _decide(login_as, world, app, decision="granted", amount_granted=amount, **over)
    assert r.status_code == 303, r.text
    db.session.expire_all()
    return db.session.get(FundingApplication, app.id)


PREFIX = {
    "versements": "payment",
    "justification": "justified",
    "groupement": "groupement",
    "remboursement": "repayment",
}


def _step(login_as, world, app, step, who="funder", **data):
    data = {f"{PREFIX[step]}-{k}": v for k, v in data.items()}
    return login_as(world["people"][who]).post(
        f"/appels/{world['call'].id}/candidatures/{app.id}/{step}", data=data
    )


def test_the_letter_is_built_in_the_background_and_filed_on_the_line(world, login_as):
    app = _granted(login_as, world)
    assert app.letter_file_id is None  # the decision answered before the PDF exists
    assert run_jobs() == 1
    db.session.expire_all()
    app = db.session.get(FundingApplication, app.id)
    c = login_as(world["people"]["colleague"])
    r = c.get(f"/appels/{world['call'].id}/candidatures/{app.id}/lettre.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.data)).pages)
    assert "10 000,00" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert world["project"].name in text
    # The coordination finds it among the line's documents.
    line = db.session.get(FundingLine, world["line"].id)
    assert app.letter_file_id in {d.file_id for d in line.documents}
    member = login_as(world["people"]["coordinator"])
    assert (
        member.get(f"/projects/{world['project'].id}/files/{app.letter_file_id}").status_code == 200
    )


def test_a_refusal_letter_gives_the_reason(world, login_as):
    app = _submitted(login_as, world)
    reason = "Le budget ne distingue pas les frais de mise en place."
    assert _decide(login_as, world, app, decision="refused", reason=reason).status_code == 303
    assert run_jobs() == 1
    r = login_as(world["people"]["funder"]).get(
        f"/appels/{world['call'].id}/candidatures/{app.id}/lettre.pdf"
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "frais de mise en place" in text


def test_payments_stay_within_the_grant_and_the_line_follows(world, login_as):
    app = _granted(login_as, world)
    first = _step(login_as, world, app, "versements", amount="6 000,00", on=TODAY.isoformat())
    assert first.status_code == 303
    too_much = _step(login_as, world, app, "versements", amount="4 500,00", on=TODAY.isoformat())
    assert too_much.status_code == 422 and "dépasseraient le montant accordé" in too_much.text
    assert count(db.select(FundingPayment)) == 1
    assert (
        _step(
            login_as, world, app, "versements", amount="4 000,00", on=TODAY.isoformat()
        ).status_code
        == 303
    )
    db.session.expire_all()
    line = db.session.get(FundingLine, world["line"].id)
    assert line.status == "paid" and line.amount_paid == Decimal("10000.00")
    bad = _step(login_as, world, app, "versements", amount="", on="")
    assert bad.status_code == 422
    assert count(db.select(FundingPayment)) == 2


def test_the_groupement_recorded_keeps_the_aid(world, login_as):
    app = _granted(login_as, world)
    future = _step(login_as, world, app, "groupement", on=(TODAY + timedelta(days=2)).isoformat())
    assert future.status_code == 422 and "futur" in future.text
    assert _step(login_as, world, app, "groupement", on=TODAY.isoformat()).status_code == 303
    app = db.session.get(FundingApplication, app.id)
    app.deadline = TODAY - timedelta(days=1)
    db.session.commit()
    with current_app.test_request_context():
        assert check_deadlines(TODAY) == (0, 0)
    assert db.session.get(FundingLine, world["line"].id).status == "granted"


def test_a_reminder_then_the_aid_is_due_back_then_repaid(world, login_as):
    app = _granted(login_as, world, deadline=(TODAY + timedelta(days=REMIND_DAYS - 1)).isoformat())
    assert app.deadline == TODAY + timedelta(days=REMIND_DAYS - 1)
    with current_app.test_request_context():
        assert check_deadlines(TODAY) == (1, 0)
        assert check_deadlines(TODAY) == (0, 0)  # reminded once
        db.session.commit()
    reminded = {
        n.user_id for n in db.session.scalars(db.select(Notification)) if "Rappel" in n.text
    }
    people = world["people"]
    assert {people["coordinator"].id, people["funder"].id, people["colleague"].id} <= reminded
    from plugins.funding.calls import call_journal

    assert any("Rappel envoyé" in e.summary for e in call_journal(world["call"].id))
    with current_app.test_request_context():
        assert check_deadlines(app.deadline + timedelta(days=1)) == (0, 1)
        db.session.commit()
    assert db.session.get(FundingLine, world["line"].id).status == "repayable"
    page = login_as(people["funder"]).get(f"/appels/{world['call'].id}/candidatures/{app.id}")
    assert "Remboursement reçu" in page.text
    assert _step(login_as, world, app, "remboursement", on=TODAY.isoformat()).status_code == 303
    assert db.session.get(FundingLine, world["line"].id).status == "repaid"


def test_a_past_deadline_is_refused_at_the_decision(world, login_as):
    app = _submitted(login_as, world)
    r = _decide(
        login_as,
        world,
        app,
        decision="granted",
        amount_granted="9 000,00",
        deadline=TODAY.isoformat(),
    )
    assert r.status_code == 422 and "est à venir" in r.text
    assert db.session.get(FundingApplication, app.id).status == "submitted"


def test_the_follow_up_is_the_calls_staff_alone(world, login_as):
    app = _granted(login_as, world)
    run_jobs()
    for who in ("other_funder", "coordinator", "adviser"):
        for step, data in (
            ("versements", {"amount": "1 000,00", "on": TODAY.isoformat()}),
            ("justification", {"on": TODAY.isoformat()}),
            ("groupement", {"on": TODAY.isoformat()}),
            ("remboursement", {"on": TODAY.isoformat()}),
        ):
            assert _step(login_as, world, app, step, who=who, **data).status_code == 403
        c = login_as(world["people"][who])
        base = f"/appels/{world['call'].id}/candidatures/{app.id}"
        assert c.get(f"{base}/lettre.pdf").status_code == 403
        assert c.post(f"{base}/lettre").status_code == 403
    assert count(db.select(FundingPayment)) == 0


def test_a_project_backup_keeps_its_line_not_the_funders_instruction(world, login_as):
    from workspace.backup.export import export_project

    app = _granted(login_as, world)
    run_jobs()
    tables = export_project(world["project"].id)["tables"]
    assert "funding_application" not in tables and "funding_score" not in tables
    [line] = [r for r in tables["funding_line"] if r["kind"] == "startup_aid"]
    assert line["status"] == "granted" and line["amount_granted"] == "10000.00"
    letter = db.session.get(FundingApplication, app.id).letter_file_id
    assert letter in {r["file_id"] for r in tables["funding_document"]}
