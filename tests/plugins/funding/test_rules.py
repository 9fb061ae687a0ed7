"""The start-up aid rules and the status transitions: 400 with a French message, nothing saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import current_app

from plugins.funding.models import FundingLine
from plugins.funding.rules import PAID_STATUSES, TRANSITIONS
from plugins.milestones import operations as ms_ops
from workspace.extensions import db
from workspace.models import count
from workspace.operations import archive_project

from .conftest import aid_form, funder_org, make_line


def _post_new(login_as, people, project, **over):
    url = f"/projects/{project.id}/funding/lines/new"
    return login_as(people["director"]).post(url, data=aid_form(funder_org().id, **over))


def _agreement(project, people):
    with current_app.test_request_context():
        m = ms_ops.create_milestone(project, people["director"], title="Accord", is_agreement=True)
        ms_ops.submit(m, people["director"], "Signé")
        ms_ops.validate(m, people["adviser"])
        db.session.commit()


def test_a_valid_request_is_saved(roles_project, login_as):
    project, people = roles_project
    r = _post_new(login_as, people, project)
    assert r.status_code == 302
    line = db.session.scalar(db.select(FundingLine))
    assert line.amount_requested == Decimal("12000.00")


@pytest.mark.parametrize(
    "amount,ok",
    [("5 999,99", False), ("6 000", True), ("15 000,00", True), ("15 000,01", False), ("0", False)],
)
def test_aid_amount_between_6000_and_15000(roles_project, login_as, amount, ok):
    project, people = roles_project
    r = _post_new(login_as, people, project, amount_requested=amount)
    assert r.status_code == (302 if ok else 400)
    if not ok:
        assert "comprise entre 6" in r.text
    assert count(db.select(FundingLine)) == (1 if ok else 0)


@pytest.mark.parametrize("amount", ["0.005", "-12000", "12 000,505", "abc", "", "99999999999"])
def test_bad_amounts_are_400(roles_project, login_as, amount):
    project, people = roles_project
    r = _post_new(login_as, people, project, amount_requested=amount)
    assert r.status_code == 400
    assert count(db.select(FundingLine)) == 0


def test_one_aid_per_project(roles_project, login_as):
    project, people = roles_project
    make_line(project, people["director"], status="refused")
    r = _post_new(login_as, people, project)
    assert r.status_code == 400
    assert "ni renouvelable ni reconductible" in r.text
    assert count(db.select(FundingLine)) == 1


def test_aid_not_for_a_preliminary_study(roles_project, login_as):
    project, people = roles_project
    r = _post_new(login_as, people, project, purpose_category="preliminary_study")
    assert r.status_code == 400
    assert "études préalables" in r.text
    r = _post_new(login_as, people, project, purpose_category="operating")
    assert r.status_code == 400
    assert "aide extérieure à la mise en place" in r.text
    assert count(db.select(FundingLine)) == 0


def test_aid_granted_only_after_the_agreement(roles_project, login_as):
    project, people = roles_project
    line = make_line(project, people["director"])
    url = f"/projects/{project.id}/funding/lines/{line.id}/edit"
    form = aid_form(line.funder_id, status="granted", amount_granted="12 000", version=line.version)
    r = login_as(people["director"]).post(url, data=form)
    assert r.status_code == 400
    assert "accord des parties" in r.text
    db.session.expire_all()
    assert db.session.get(FundingLine, line.id).status == "requested"
    _agreement(project, people)
    r = login_as(people["director"]).post(url, data=form)
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(FundingLine, line.id).amount_granted == Decimal("12000.00")


STATUSES = ["planned", "requested", "granted", "paid", "refused", "repayable", "repaid"]


@pytest.mark.parametrize("new", STATUSES)
@pytest.mark.parametrize("old", STATUSES)
def test_status_transitions_table(roles_project, old, new):
    project, people = roles_project
    _agreement(project, people)
    line = make_line(
        project,
        people["director"],
        kind="operating_grant",
        purpose_category="operating",
        status="planned",
        amount_requested=Decimal("100"),
    )
    line.status = old  # the starting state, set directly
    line.amount_granted = Decimal("100")
    line.amount_paid = Decimal("100")
    db.session.commit()
    from plugins.funding import operations as ops

    values = {
        "funder_id": line.funder_id,
        "kind": line.kind,
        "status": new,
        "purpose_category": "operating",
        "purpose": "",
        "amount_requested": Decimal("100"),
        "amount_granted": Decimal("100"),
        # an amount paid only where a line may show one (nothing paid before a grant)
        "amount_paid": Decimal("100") if new in PAID_STATUSES else None,
    }
    allowed = new == old or new in TRANSITIONS[old]
    with current_app.test_request_context():
        if allowed:
            ops.update_line(line, people["director"], **values)
        else:
            with pytest.raises(ops.RuleBroken) as err:
                ops.update_line(line, people["director"], **values)
            assert "Passage impossible" in err.value.errors["status"]
    db.session.rollback()


def test_paid_cannot_exceed_granted(roles_project, login_as):
    project, people = roles_project
    r = _post_new(
        login_as,
        people,
        project,
        kind="operating_grant",
        purpose_category="operating",
        status="paid",
        amount_requested="100",
        amount_granted="100",
        amount_paid="100,01",
    )
    assert r.status_code == 400
    assert "ne peut pas dépasser" in r.text


def test_archived_without_groupement_makes_the_aid_repayable(roles_project, emitted):
    project, people = roles_project
    _agreement(project, people)
    line = make_line(project, people["director"], status="granted", amount_granted=Decimal("12000"))
    other = make_line(
        project,
        people["director"],
        kind="operating_grant",
        purpose_category="operating",
        status="granted",
        amount_granted=Decimal("5000"),
        amount_requested=Decimal("5000"),
    )
    seen = len(emitted)
    with current_app.test_request_context():
        archive_project(project, people["coordinator"], groupement_created=False)
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(FundingLine, line.id).status == "repayable"
    assert db.session.get(FundingLine, other.id).status == "granted"
    notices = [n for n in emitted[seen:] if n["type"] == "funding:repayable"]
    assert len(notices) == 1
    assert notices[0]["url"] == f"/projects/{project.id}/funding/lines/{line.id}"
    assert f"funding:{line.id}" in notices[0]["keys"]


def test_archived_with_groupement_keeps_the_aid(roles_project):
    project, people = roles_project
    _agreement(project, people)
    line = make_line(project, people["director"], status="granted", amount_granted=Decimal("12000"))
    with current_app.test_request_context():
        archive_project(project, people["coordinator"], groupement_created=True)
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(FundingLine, line.id).status == "granted"
