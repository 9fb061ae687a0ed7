"""Permission matrix of every API endpoint × every row of WHO, with read and write tokens.

anonymous → 401; outsider and site admin (not members) → 404; members → 403 without the
permission (nothing changed), and a read-scoped token → 403 on any write even when the role
may write. A test checks that every operation of the OpenAPI document is in the matrix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.api import world as W
from tests.api.conftest import Api, make_token
from tests.conftest import ROLES
from workspace.extensions import db
from workspace.models import Activity, count

ALL = frozenset(ROLES)
DIRECTORS = frozenset({"coordinator", "director"})
COORD = frozenset({"coordinator"})
ADVISER = frozenset({"adviser"})
EVALUATOR = frozenset({"evaluator"})
COMMENTERS = frozenset({"coordinator", "director", "adviser", "evaluator"})
P = "/api/v1/projects/{p}"
STAR = {"If-Match": "*"}


@dataclass
class Case:
    method: str
    path: str
    allowed: frozenset
    body: Callable | dict | None = None
    per_caller: Callable | None = None  # (world, user) -> extra ids for the path
    headers: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _task_body(w, user):
    return {"title": "Nouvelle tâche", "column_id": w.ids["column"]}


def _line_body(w, user):
    return {
        "funder_id": w.ids["funder_org"],
        "kind": "partner_contribution",
        "status": "planned",
        "amount_requested": "1200.00",
    }


def _commenter(w, user):
    """The caller when they may comment (their own comment), else the adviser."""
    member = user in [w.people[r] for r in COMMENTERS]
    return user if member else w.people["adviser"]


CASES = [
    Case("GET", P, ALL),
    Case("PATCH", P, COORD, {"summary": "Résumé revu"}, headers=STAR),
    Case("GET", P + "/members", ALL),
    Case("GET", P + "/files/{file}", ALL),
    Case("GET", P + "/activity", ALL),
    # board
    Case("GET", P + "/board/columns", ALL),
    Case("POST", P + "/board/columns", COORD, {"name": "Recette"}),
    Case("GET", P + "/board/columns/{column}", ALL),
    Case("PATCH", P + "/board/columns/{column}", COORD, {"wip_limit": 5}, headers=STAR),
    Case(
        "DELETE",
        P + "/board/columns/{new_column}",
        COORD,
        per_caller=lambda w, u: {"new_column": W.new_column(w, w.people["coordinator"])},
    ),
    Case("GET", P + "/board/tasks", ALL),
    Case("GET", P + "/board/tasks/{task}", ALL),
    Case("POST", P + "/board/tasks", DIRECTORS, _task_body),
    Case("PATCH", P + "/board/tasks/{task}", DIRECTORS, {"priority": "haute"}, headers=STAR),
    Case(
        "POST",
        P + "/board/tasks/{task}/move",
        DIRECTORS,
        lambda w, u: {"column_id": w.ids["column2"]},
    ),
    Case(
        "POST",
        P + "/board/tasks/{new_task}/archive",
        DIRECTORS,
        per_caller=lambda w, u: {"new_task": W.new_task(w, w.people["director"])},
    ),
    Case("POST", P + "/board/tasks/{archived_task}/restore", DIRECTORS),
    Case(
        "DELETE",
        P + "/board/tasks/{new_task}",
        COORD,
        per_caller=lambda w, u: {"new_task": W.new_task(w, w.people["director"])},
    ),
    # checklists
    Case("GET", P + "/checklists/items", ALL),
    Case("GET", P + "/checklists/items/{item}", ALL),
    Case("PATCH", P + "/checklists/items/{item}", DIRECTORS, {"status": "en_cours"}, headers=STAR),
    # plan (read only: the text is written in the co-editor)
    Case("GET", P + "/plan/sections", ALL),
    Case("GET", P + "/plan/sections/{section}", ALL),
    Case("GET", P + "/plan/versions", ALL),
    Case("GET", P + "/plan/versions/{version}", ALL),
    # milestones
    Case("GET", P + "/milestones/milestones", ALL),
    Case("GET", P + "/milestones/milestones/{milestone}", ALL),
    Case("GET", P + "/milestones/milestones/{submitted}/reviews", ALL),
    Case("POST", P + "/milestones/milestones/{milestone}/submit", DIRECTORS, {"message": "Prêt."}),
    Case("POST", P + "/milestones/milestones/{submitted}/validate", ADVISER, {}),
    Case(
        "POST",
        P + "/milestones/milestones/{other_submitted}/return",
        ADVISER,
        {"message": "Il manque l'annexe."},
    ),
    # funding
    Case("GET", P + "/funding/lines", ALL),
    Case("GET", P + "/funding/lines/{line}", ALL),
    Case("POST", P + "/funding/lines", DIRECTORS, _line_body),
    Case("PATCH", P + "/funding/lines/{line}", DIRECTORS, {"purpose": "Précisé"}, headers=STAR),
    Case("GET", P + "/funding/applications", ALL),
    Case(
        "POST",
        P + "/funding/applications",
        COORD,
        lambda w, u: {"call_id": w.ids["call"]},
        per_caller=lambda w, u: W.new_open_call(w, u),
    ),
    Case("GET", P + "/funding/lines/{line}/expenses", ALL),
    Case(
        "POST",
        P + "/funding/lines/{line}/expenses",
        DIRECTORS,
        {"spent_on": "2026-04-01", "supplier": "Cabinet Durand", "amount": "450.00"},
    ),
    Case(
        "DELETE",
        P + "/funding/lines/{line}/expenses/{expense}",
        DIRECTORS,
        per_caller=lambda w, u: {"expense": W.new_expense(w, w.people["director"])},
    ),
    # indicators
    Case("GET", P + "/indicators/indicators", ALL),
    Case("GET", P + "/indicators/indicators/{indicator}", ALL),
    Case("GET", P + "/indicators/indicators/{indicator}/measurements", ALL),
    Case("GET", P + "/indicators/indicators/{indicator}/measurements/{measurement}", ALL),
    Case(
        "POST",
        P + "/indicators/indicators/{indicator}/measurements",
        DIRECTORS,
        lambda w, u: {"period": W.next_period(), "value": "91,5"},
    ),
    Case(
        "PATCH",
        P + "/indicators/indicators/{indicator}/measurements/{measurement}",
        DIRECTORS,
        {"value": "92"},
        headers=STAR,
    ),
    Case("GET", P + "/indicators/indicators/{indicator}/reviews", ALL),
    Case(
        "POST",
        P + "/indicators/indicators/{indicator}/reviews",
        EVALUATOR,
        lambda w, u: {"decision": "accepted", "measurement_id": w.ids["measurement"]},
    ),
    # comments
    Case("GET", P + "/comments/comments?object_type=task&object_id={task}", ALL),
    Case("GET", P + "/comments/comments/{comment}", ALL),
    Case(
        "POST",
        P + "/comments/comments",
        COMMENTERS,
        lambda w, u: {"object_type": "task", "object_id": w.ids["task"], "body": "D'accord."},
    ),
    Case(
        "PATCH",
        P + "/comments/comments/{own_comment}",
        COMMENTERS,
        {"body": "Corrigé."},
        per_caller=lambda w, u: {"own_comment": W.new_comment(w, _commenter(w, u))},
        headers=STAR,
    ),
    Case(
        "DELETE",
        P + "/comments/comments/{own_comment}",
        COMMENTERS,
        per_caller=lambda w, u: {"own_comment": W.new_comment(w, _commenter(w, u))},
    ),
]

#: Endpoints outside projects: any signed-in person, 401 anonymous.
PERSONAL = [
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/projects"),
    ("GET", "/api/v1/organisations"),
    ("GET", "/api/v1/organisations/{organisation_id}"),
    ("GET", "/api/v1/tokens"),
    ("GET", "/api/v1/dashboard/portfolio"),
    ("GET", "/api/v1/funding/calls"),
    ("DELETE", "/api/v1/tokens/{token_id}"),
]
#: Endpoints above the projects for a call's funder staff alone: tested with their rules in
#: tests/plugins/funding/test_application_api.py.
CALL_STAFF = [
    ("GET", "/api/v1/funding/calls/{call_id}/applications"),
    ("GET", "/api/v1/funding/calls/{call_id}/applications/{application_id}"),
    ("POST", "/api/v1/funding/calls/{call_id}/applications/{application_id}/decision"),
]
ORDER = [
    "anonymous",
    "outsider",
    "admin",
    "funder",
    "evaluator",
    "adviser",
    "director",
    "coordinator",
]


def _activity() -> int:
    return count(db.select(Activity))


def _call(app, case: Case, w, who: str, scope: str = "write"):
    """Prepare the caller's objects, then call; returns the response and whether the
    activity log grew during the call itself."""
    user = None if who == "anonymous" else w.people[who]
    ids = dict(w.ids)
    if case.per_caller:
        ids.update(case.per_caller(w, user or w.people["coordinator"]))
    path = case.path.format(p=w.project.id, **ids)
    body = case.body(w, user) if callable(case.body) else case.body
    token = make_token(user, scope) if user is not None else None
    api = Api(app.test_client(), token)
    if case.method in ("POST", "PATCH") and body is None:
        body = {}
    before = _activity()
    r = api.call(case.method, path, json=body, headers=case.headers)
    return r, _activity() != before


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matrix(app, roles_project, case):
    project, people = roles_project
    w = W.build(project, people)
    write = case.method != "GET"
    for who in ORDER:
        if who in case.allowed and write:
            r, changed = _call(app, case, w, who, scope="read")
            assert r.status_code == 403, (who, "read token", r.status_code, r.json)
            assert not changed
        r, changed = _call(app, case, w, who)
        expected = {"anonymous": 401, "outsider": 404, "admin": 404}.get(who)
        if expected is None:
            expected = None if who in case.allowed else 403
        if expected is None:
            assert r.status_code < 400 or r.status_code in (409,), (who, r.status_code, r.json)
        else:
            assert r.status_code == expected, (who, r.status_code, r.json)
            assert r.json["error"]["code"] == expected
            assert not changed, who


@pytest.mark.parametrize("method,path", PERSONAL)
def test_personal_endpoints(app, roles_project, method, path):
    _project, people = roles_project
    org = people["funder"].organisation_id
    for who in ORDER:
        user = None if who == "anonymous" else people[who]
        token_id = None
        if user is not None:
            from workspace.api.tokens_ui import create_token

            token, _secret = create_token(user, "à révoquer", "read", None)
            db.session.commit()
            token_id = token.id
        url = path.format(organisation_id=org, token_id=token_id or 1)
        api = Api(app.test_client(), make_token(user) if user else None)
        r = api.call(method, url)
        if who == "anonymous":
            assert r.status_code == 401
        else:
            assert r.status_code in (200, 204), (who, r.status_code, r.json)


def test_every_operation_is_in_the_matrix(app, client):
    doc = client.get("/api/v1/openapi.json").json
    norm = lambda p: re.sub(r"\{[^}]+\}", "{}", p.split("?")[0])  # noqa: E731
    documented = {(m.upper(), norm(p)) for p, ops in doc["paths"].items() for m in ops}
    covered = {(c.method, norm(c.path)) for c in CASES} | {
        (m, norm(p)) for m, p in PERSONAL + CALL_STAFF
    }
    assert documented == covered
