"""The milestone workflow as one table: which action, from which states, needs which permission.

prévu → soumis (a director, with a message) → validé | à reprendre (an adviser; a reason is
required to send back) → a resubmission starts a new round. Reopening a validated milestone
(an adviser, with a reason) puts it back to « à reprendre ».
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Status

P, S, V, R = (Status.PLANNED, Status.SUBMITTED, Status.VALIDATED, Status.RETURNED)


@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[Status]
    target: Status | None  # None: the status does not change
    permission: str


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("edit", frozenset({P, S, R}), None, "milestones.edit"),
        Action("evidence", frozenset({P, S, R}), None, "milestones.edit"),
        Action("delete", frozenset({P}), None, "milestones.edit"),
        Action("submit", frozenset({P, R}), S, "milestones.edit"),
        Action("validate", frozenset({S}), V, "milestones.validate"),
        Action("return", frozenset({S}), R, "milestones.validate"),
        Action("reopen", frozenset({V}), R, "milestones.validate"),
    )
}


def allowed(action: str, status: str) -> bool:
    """Does the workflow allow ``action`` on a milestone in ``status``?"""
    return Status(status) in ACTIONS[action].sources
