"""Applications in the API: the project sees its decisions (never the scores); the call's
funder staff alone list a call's applications and record a decision, with If-Match."""

from __future__ import annotations

from decimal import Decimal

from plugins.funding.applications import FundingApplication
from plugins.funding.models import FundingLine
from tests.api.conftest import Api, make_token
from workspace.extensions import db

from .test_applications import _ready, _score, _submitted


def _api(app, user, scope="write"):
    return Api(app.test_client(), make_token(user, scope))


def test_a_coordinator_applies_through_the_api(app, world, login_as):
    _ready(login_as, world)
    project, call, people = world["project"], world["call"], world["people"]
    url = f"/api/v1/projects/{project.id}/funding/applications"
    r = _api(app, people["coordinator"]).post(url, json={"call_id": call.id})
    assert r.status_code == 201, r.json
    assert r.json["status"] == "submitted" and r.json["amount"] == "12000.00"
    again = _api(app, people["coordinator"]).post(url, json={"call_id": call.id})
    assert again.status_code == 400 and "call" in again.json["error"]["fields"]
    unknown = _api(app, people["coordinator"]).post(url, json={"call_id": 999999})
    assert unknown.status_code == 400 and "call_id" in unknown.json["error"]["fields"]
    listed = _api(app, people["evaluator"], "read").get(url).json["data"]
    assert [a["id"] for a in listed] == [r.json["id"]]
    assert "average_scores" not in listed[0]


def test_a_broken_rule_is_a_json_error_per_rule(app, world):
    project, call, people = world["project"], world["call"], world["people"]
    url = f"/api/v1/projects/{project.id}/funding/applications"
    r = _api(app, people["coordinator"]).post(url, json={"call_id": call.id})
    assert r.status_code == 400
    assert {"agreement", "quotes"} <= set(r.json["error"]["fields"])
    assert db.session.scalar(db.select(FundingApplication)) is None


def test_the_staff_list_and_decide_through_the_api(app, world, login_as):
    application = _submitted(login_as, world)
    _score(login_as, world, "funder", application, complexity=(4, "Solide"))
    call, people = world["call"], world["people"]
    base = f"/api/v1/funding/calls/{call.id}/applications"
    staff = _api(app, people["colleague"])
    listed = staff.get(base).json["data"]
    assert listed[0]["average_scores"]["complexity"] == "4.0"
    decision = f"{base}/{application.id}/decision"
    body = {"decision": "granted", "amount_granted": "9000.00"}
    assert staff.post(decision, json=body).status_code == 428  # If-Match required
    stale = staff.post(decision, json=body, headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    too_much = staff.post(
        decision, json={**body, "amount_granted": "16000.00"}, headers={"If-Match": "*"}
    )
    assert too_much.status_code == 400 and "amount_granted" in too_much.json["error"]["fields"]
    one = staff.get(f"{base}/{application.id}")
    assert one.status_code == 200 and one.json["average_scores"]["complexity"] == "4.0"
    ok = staff.post(decision, json=body, headers={"If-Match": one.headers["ETag"]})
    assert ok.status_code == 200 and ok.json["status"] == "granted"
    assert ok.headers["ETag"] != one.headers["ETag"]
    again = staff.post(decision, json=body, headers={"If-Match": one.headers["ETag"]})
    assert again.status_code == 412  # decided meanwhile: the ETag read before is stale
    assert db.session.get(FundingLine, world["line"].id).amount_granted == Decimal("9000.00")


def test_only_the_calls_staff_reach_its_applications(app, world, login_as):
    application = _submitted(login_as, world)
    call, people = world["call"], world["people"]
    base = f"/api/v1/funding/calls/{call.id}/applications"
    for who in ("other_funder", "coordinator", "director", "adviser", "evaluator", "outsider"):
        api = _api(app, people[who])
        assert api.get(base).status_code == 403, who
        assert api.get(f"{base}/{application.id}").status_code == 403, who
        r = api.post(
            f"{base}/{application.id}/decision",
            json={"decision": "refused", "reason": "Non"},
            headers={"If-Match": "*"},
        )
        assert r.status_code == 403, who
    assert Api(app.test_client()).get(base).status_code == 401
    assert (
        _api(app, people["funder"]).get("/api/v1/funding/calls/999999/applications").status_code
        == 404
    )
    read_only = _api(app, people["funder"], "read").post(
        f"{base}/{application.id}/decision",
        json={"decision": "refused", "reason": "Non"},
        headers={"If-Match": "*"},
    )
    assert read_only.status_code == 403
    assert db.session.get(FundingApplication, application.id).status == "submitted"
