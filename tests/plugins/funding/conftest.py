"""Funding test helpers: lines created through the operations, as in a request."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import current_app

from plugins.funding import operations as ops
from plugins.funding.calls import FundingCall
from tests.factories import create_org, create_user, project_with_roles
from workspace.extensions import db
from workspace.models import Organisation


def funder_org(name="Conseil départemental de Vaucluse"):
    org = db.session.scalar(db.select(Organisation).filter_by(name=name))
    if org is None:
        org = Organisation(name=name, kind="funder")
        db.session.add(org)
        db.session.commit()
    return org


def make_line(project, actor, **values):
    values.setdefault("funder_id", funder_org().id)
    values.setdefault("kind", "startup_aid")
    values.setdefault("status", "requested")
    values.setdefault("purpose_category", "legal_support")
    values.setdefault("purpose", "Avocat et audit")
    values.setdefault("amount_requested", Decimal("12000.00"))
    with current_app.test_request_context():
        line = ops.create_line(project, actor, **values)
        db.session.commit()
    return line


def granted_line(project, actor):
    """An operating grant of 5 000 €, granted (expenses and payments may follow)."""
    return make_line(
        project,
        actor,
        kind="operating_grant",
        status="granted",
        purpose_category="operating",
        amount_granted=Decimal("5000.00"),
    )


def aid_form(funder_id, **over):
    data = {
        "funder_id": str(funder_id),
        "kind": "startup_aid",
        "status": "requested",
        "purpose_category": "legal_support",
        "purpose": "Avocat",
        "amount_requested": "12 000,00",
        "amount_granted": "",
        "amount_paid": "",
    }
    data.update(over)
    return data


@pytest.fixture
def line_for():
    return make_line


@pytest.fixture
def world():
    """A project with every role, an open call of its funder's organisation, the project's
    start-up aid line from that funder (12 000 €, legal support) with a quote, the parties'
    agreement recorded."""
    project, people = project_with_roles()
    funder_org = people["funder"].organisation
    people["colleague"] = create_user("Agnès Instructrice", organisation=funder_org)
    people["other_funder"] = create_user("Autre financeur", organisation=create_org(kind="funder"))
    call = FundingCall(
        funder_id=funder_org.id,
        created_by_id=people["funder"].id,
        title="Aide au démarrage 2027",
        envelope=Decimal("20000.00"),
        opens_on=date.today() - timedelta(days=3),
        closes_on=date.today() + timedelta(days=30),
    )
    db.session.add(call)
    db.session.commit()
    line = make_line(project, people["coordinator"], funder_id=funder_org.id, status="planned")
    return {"project": project, "people": people, "call": call, "line": line}
