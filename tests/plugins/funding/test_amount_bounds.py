"""Amounts are bounded and ordered: paid ≤ granted ≤ 15 000 € for the start-up aid, nothing
paid before a grant, no amount above 10 000 000 €, in forms and through the API; a start-up aid
without its purpose gets the field's error, never a 500."""

from __future__ import annotations

import pytest

from plugins.funding.models import FundingExpense, FundingLine
from tests.api.conftest import Api, make_token
from workspace.extensions import db

from .conftest import aid_form, funder_org, granted_line, make_line


def _api(app, user):
    return Api(app.test_client(), make_token(user))


def _etag(api, url):
    return api.get(url).headers["ETag"]


def test_api_refuses_a_payment_on_a_requested_aid(app, roles_project):
    project, people = roles_project
    line = make_line(project, people["director"])
    api = _api(app, people["director"])
    url = f"/api/v1/projects/{project.id}/funding/lines/{line.id}"
    r = api.patch(url, json={"amount_paid": "99999999.00"}, headers={"If-Match": _etag(api, url)})
    assert r.status_code == 400
    assert "amount_paid" in r.json["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(FundingLine, line.id).amount_paid is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_paid": "100.00"}, "amount_paid"),  # planned: nothing paid before a grant
        ({"amount_granted": "10000000.01"}, "amount_granted"),
        ({"amount_requested": "10000000.01"}, "amount_requested"),
    ],
)
def test_api_bounds_on_any_line(app, roles_project, change, field):
    project, people = roles_project
    line = make_line(
        project,
        people["director"],
        kind="operating_grant",
        status="planned",
        purpose_category="operating",
    )
    api = _api(app, people["director"])
    url = f"/api/v1/projects/{project.id}/funding/lines/{line.id}"
    r = api.patch(url, json=change, headers={"If-Match": _etag(api, url)})
    assert r.status_code == 400 and field in r.json["error"]["fields"], r.json


def test_api_paid_above_granted_is_refused(app, roles_project):
    project, people = roles_project
    line = granted_line(project, people["director"])
    api = _api(app, people["director"])
    url = f"/api/v1/projects/{project.id}/funding/lines/{line.id}"
    over = api.patch(
        url,
        json={"status": "paid", "amount_paid": "5000.01"},
        headers={"If-Match": _etag(api, url)},
    )
    assert over.status_code == 400 and "amount_paid" in over.json["error"]["fields"]
    ok = api.patch(
        url,
        json={"status": "paid", "amount_paid": "5000.00"},
        headers={"If-Match": _etag(api, url)},
    )
    assert ok.status_code == 200 and ok.json["amount_paid"] == "5000.00"


def test_api_startup_aid_without_purpose_is_a_400(app, roles_project):
    project, people = roles_project
    r = _api(app, people["director"]).post(
        f"/api/v1/projects/{project.id}/funding/lines",
        json={
            "funder_id": funder_org().id,
            "kind": "startup_aid",
            "status": "requested",
            "amount_requested": "12000.00",
        },
    )
    assert r.status_code == 400 and "purpose_category" in r.json["error"]["fields"], r.json
    assert db.session.scalar(db.select(FundingLine)) is None


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"amount_paid": "1 000"}, "amount_paid", "Rien ne peut être versé"),
        ({"amount_requested": "10 000 000,01"}, "amount_requested", "au plus 10 000 000"),
        ({"amount_requested": "99999999999"}, "amount_requested", "au plus 10 000 000"),
    ],
)
def test_forms_show_the_bounds_next_to_the_field(roles_project, login_as, over, field, message):
    project, people = roles_project
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/funding/lines/new", data=aid_form(funder_org().id, **over)
    )
    assert r.status_code == 400 and message in r.text
    assert db.session.scalar(db.select(FundingLine)) is None


def test_an_expense_above_the_bound_is_refused(app, roles_project):
    project, people = roles_project
    line = granted_line(project, people["director"])
    r = _api(app, people["director"]).post(
        f"/api/v1/projects/{project.id}/funding/lines/{line.id}/expenses",
        json={"spent_on": "2026-05-01", "supplier": "Cabinet", "amount": "10000000.01"},
    )
    assert r.status_code == 400 and "amount" in r.json["error"]["fields"]
    assert db.session.scalar(db.select(FundingExpense)) is None
