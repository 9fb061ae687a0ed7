"""The workflow, table-tested: every role × every state × every action, through HTTP."""

from __future__ import annotations

import pytest

from plugins.milestones.models import Milestone, MilestoneReview
from tests.conftest import ROLES
from workspace.extensions import db
from workspace.models import count

from .conftest import make_milestone

STATES = ["planned", "submitted", "validated", "returned"]
ACTIONS = ["submit", "validate", "return", "reopen"]
FORM = {
    "submit": {"message": "Nouvelle version jointe."},
    "validate": {"reason": ""},
    "return": {"return-reason": "Il manque la délibération."},
    "reopen": {"reopen-reason": "Une pièce a changé."},
}
# (action) -> (roles allowed, states allowed, resulting state)
RULES = {
    "submit": ({"coordinator", "director"}, {"planned", "returned"}, "submitted"),
    "validate": ({"adviser"}, {"submitted"}, "validated"),
    "return": ({"adviser"}, {"submitted"}, "returned"),
    "reopen": ({"adviser"}, {"validated"}, "returned"),
}


def _expected(role: str, state: str, action: str) -> tuple[int, str]:
    roles, states, target = RULES[action]
    if role not in roles:
        return 403, state
    if state not in states:
        return 409, state
    return 302, target


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_transition_table(roles_project, login_as, role, state, action):
    project, people = roles_project
    m = make_milestone(project, people, state)
    reviews_before = count(db.select(MilestoneReview))
    url = f"/projects/{project.id}/milestones/{m.id}/{action}"
    r = login_as(people[role]).post(url, data=FORM[action])
    code, final = _expected(role, state, action)
    assert r.status_code == code, r.text[:300]
    db.session.expire_all()
    m = db.session.get(Milestone, m.id)
    assert m.status == final
    added = count(db.select(MilestoneReview)) - reviews_before
    assert added == (1 if code == 302 else 0)
    if code == 302:
        last = m.reviews[-1]
        assert last.actor_id == people[role].id
        assert (
            last.decision
            == {
                "submit": "submitted",
                "validate": "validated",
                "return": "returned",
                "reopen": "reopened",
            }[action]
        )


@pytest.mark.parametrize(
    "action,state,field",
    [
        ("submit", "planned", "message"),
        ("return", "submitted", "return-reason"),
        ("reopen", "validated", "reopen-reason"),
    ],
)
@pytest.mark.parametrize("value", ["", "   ", "x" * 5001])
def test_missing_or_overlong_reason_is_400_and_nothing_changes(
    roles_project, login_as, action, state, field, value
):
    project, people = roles_project
    m = make_milestone(project, people, state)
    who = people["director"] if action == "submit" else people["adviser"]
    before = count(db.select(MilestoneReview))
    r = login_as(who).post(
        f"/projects/{project.id}/milestones/{m.id}/{action}", data={field: value}
    )
    assert r.status_code == 400
    assert "obligatoire" in r.text or "caractères au plus" in r.text
    db.session.expire_all()
    assert db.session.get(Milestone, m.id).status == state
    assert count(db.select(MilestoneReview)) == before


def test_resubmission_starts_a_new_round(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "returned")
    assert m.round == 1
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/milestones/{m.id}/submit", data={"message": "Annexe ajoutée."}
    )
    assert r.status_code == 302
    db.session.expire_all()
    m = db.session.get(Milestone, m.id)
    assert (m.status, m.round) == ("submitted", 2)
    assert [(rv.round, rv.decision) for rv in m.reviews] == [
        (1, "submitted"),
        (1, "returned"),
        (2, "submitted"),
    ]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_evidence_and_edit_locked_when_validated(roles_project, login_as, role, state):
    project, people = roles_project
    m = make_milestone(project, people, state)
    client = login_as(people[role])
    base = f"/projects/{project.id}/milestones/{m.id}"
    r = client.post(f"{base}/evidence", data={"kind": "link", "url": "https://example.org/a"})
    if role not in ("coordinator", "director"):
        assert r.status_code == 403
    elif state == "validated":
        assert r.status_code == 409
    else:
        assert r.status_code == 302
    r = client.post(f"{base}/edit", data={"title": "Nouveau titre", "version": m.version})
    if role not in ("coordinator", "director"):
        assert r.status_code == 403
    elif state == "validated":
        assert r.status_code == 409
    else:
        assert r.status_code == 302
    db.session.expire_all()
    m = db.session.get(Milestone, m.id)
    changed = role in ("coordinator", "director") and state != "validated"
    assert len(m.evidence) == (2 if changed else 1)
    assert (m.title == "Nouveau titre") is changed
