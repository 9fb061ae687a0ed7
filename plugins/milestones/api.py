"""Milestone resources of the REST API: milestones and their review history (read), and the
workflow steps: submit (directors), validate / return (advisers).

The steps call the same operations as the pages (``operations.submit`` …), so the workflow
table (``workflow.ACTIONS``) decides what is possible: a step from the wrong state is a 409.
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from workspace.api.core import endpoint, get_or_404, item, page
from workspace.api.errors import ApiError
from workspace.api.fields import F, Resource
from workspace.extensions import db
from workspace.models import Area, Stage

from . import operations as ops
from .models import Decision, Milestone, MilestoneReview, Status
from .workflow import allowed

api_bp = Blueprint("milestones_api", __name__)

MILESTONE = Resource(
    "Milestone",
    {
        "id": F("integer", read_only=True),
        "title": F("string", read_only=True),
        "description": F("text", read_only=True),
        "area": F("enum", read_only=True, nullable=True, choices=tuple(a.value for a in Area)),
        "planned_date": F("date", read_only=True, nullable=True),
        "closes_stage": F(
            "enum", read_only=True, nullable=True, choices=tuple(s.value for s in Stage)
        ),
        "deliverables": F("text", read_only=True),
        "is_agreement": F("boolean", read_only=True),
        "status": F("enum", read_only=True, choices=tuple(s.value for s in Status)),
        "round": F("integer", read_only=True, minimum=0),
        "version": F("integer", read_only=True),
        "created_at": F("datetime", read_only=True),
        "updated_at": F("datetime", read_only=True),
    },
    "A milestone of the project and where it stands in the validation workflow.",
)

REVIEW = Resource(
    "MilestoneReview",
    {
        "id": F("integer", read_only=True),
        "milestone_id": F("integer", read_only=True),
        "round": F("integer", read_only=True, minimum=0),
        "decision": F("enum", read_only=True, choices=tuple(d.value for d in Decision)),
        "reason": F("text", read_only=True),
        "actor_id": F("integer", read_only=True),
        "created_at": F("datetime", read_only=True),
    },
    "One step of a milestone's history (submission, validation, return, reopening).",
)

MESSAGE = {"message": F("text", max_length=5000, description="Message, comment or reason")}


@endpoint(
    api_bp,
    "/milestones",
    summary="Milestones",
    tag="milestones",
    permission="milestones.view",
    response=MILESTONE,
    many=True,
    query={"status": MILESTONE.fields["status"]},
)
def milestones(project_id: int, args):
    stmt = db.select(Milestone).filter_by(project_id=project_id)
    if "status" in args:
        stmt = stmt.where(Milestone.status == args["status"])
    return page(stmt, Milestone.id, args, MILESTONE)


@endpoint(
    api_bp,
    "/milestones/<int:milestone_id>",
    summary="One milestone",
    tag="milestones",
    permission="milestones.view",
    response=MILESTONE,
)
def milestone(project_id: int, milestone_id: int):
    return item(get_or_404(Milestone, milestone_id, project_id), MILESTONE)


@endpoint(
    api_bp,
    "/milestones/<int:milestone_id>/reviews",
    summary="History of a milestone's reviews",
    tag="milestones",
    permission="milestones.view",
    response=REVIEW,
    many=True,
)
def reviews(project_id: int, milestone_id: int, args):
    get_or_404(Milestone, milestone_id, project_id)
    stmt = db.select(MilestoneReview).filter_by(milestone_id=milestone_id)
    return page(stmt, MilestoneReview.id, args, REVIEW)


def _step(project_id: int, milestone_id: int, action: str, step, text: str):
    m = get_or_404(Milestone, milestone_id, project_id)
    if not allowed(action, m.status):
        raise ApiError(409, _wrong_state(m))
    try:
        step(m, current_user, text)
    except (ops.InvalidInput, ops.WrongState) as exc:
        db.session.rollback()
        code = 400 if isinstance(exc, ops.InvalidInput) else 409
        raise ApiError(code, str(exc), {"message": str(exc)} if code == 400 else {}) from None
    db.session.commit()
    return item(m, MILESTONE)


def _wrong_state(m: Milestone) -> str:
    from flask_babel import gettext as _

    return _("Action impossible : le jalon est « %(s)s ».", s=m.status_enum.label)


def _declare(action: str, step, permission: str, summary: str):
    @endpoint(
        api_bp,
        f"/milestones/<int:milestone_id>/{action}",
        "POST",
        summary=summary,
        tag="milestones",
        permission=permission,
        body_fields=MESSAGE,
        response=MILESTONE,
        name=f"{action}_milestone",
    )
    def view(project_id: int, milestone_id: int, data):
        return _step(project_id, milestone_id, action, step, data.get("message", ""))

    return view


submit = _declare(
    "submit", ops.submit, "milestones.edit", "Submit for validation (directors; message required)"
)
validate = _declare("validate", ops.validate, "milestones.validate", "Validate (advisers)")
send_back = _declare(
    "return", ops.send_back, "milestones.validate", "Send back « à reprendre » (advisers; reason)"
)
