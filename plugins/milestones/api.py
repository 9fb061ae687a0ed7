"""Milestone resources of the REST API: milestones and their review history (read), and the
workflow steps: submit (directors), validate / return (advisers).

The steps call the same operations as the pages (``operations.submit`` …), so the workflow
table (``workflow.ACTIONS``) decides what is possible: a step from the wrong state is a 409.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.base import ApiBlueprint, get_or_404, invalid
from workspace.api.crud import children_of
from workspace.api.errors import ApiError
from workspace.api.pages import CursorArgs
from workspace.api.schemas import ApiSchema, Bool, Choice, Day, Int, Moment, Text, body
from workspace.extensions import db
from workspace.models import Area, Stage

from . import operations as ops
from .models import Decision, Milestone, MilestoneReview, Status
from .workflow import allowed

api_bp = ApiBlueprint("milestones_api", __name__, tag="milestones")


class MilestoneSchema(ApiSchema):
    """A milestone of the project and where it stands in the validation workflow."""

    id = Int(dump_only=True)
    title = Text(dump_only=True)
    description = Text(dump_only=True)
    area = Choice(Area, dump_only=True, allow_none=True)
    planned_date = Day(dump_only=True, allow_none=True)
    closes_stage = Choice(Stage, dump_only=True, allow_none=True)
    deliverables = Text(dump_only=True)
    is_agreement = Bool(dump_only=True)
    status = Choice(Status, dump_only=True)
    round = Int(dump_only=True, minimum=0)
    version = Int(dump_only=True)
    created_at = Moment(dump_only=True)
    updated_at = Moment(dump_only=True)


class MilestoneReviewSchema(ApiSchema):
    """One step of a milestone's history (submission, validation, return, reopening)."""

    id = Int(dump_only=True)
    milestone_id = Int(dump_only=True)
    round = Int(dump_only=True, minimum=0)
    decision = Choice(Decision, dump_only=True)
    reason = Text(dump_only=True)
    actor_id = Int(dump_only=True)
    created_at = Moment(dump_only=True)


class MilestoneFilters(CursorArgs):
    status = Choice(Status)


#: The body of a workflow step.
Message = body(
    "MilestoneStep",
    {"message": Text(max_length=5000, description="Message, comment or reason")},
)


api_bp.listing(
    "/milestones",
    Milestone,
    MilestoneSchema,
    permission="milestones.view",
    summary="Milestones",
    endpoint="milestones",
    filters=MilestoneFilters,
)
api_bp.read(
    "/milestones/<int:milestone_id>",
    Milestone,
    MilestoneSchema,
    permission="milestones.view",
    summary="One milestone",
    endpoint="milestone",
)
api_bp.listing(
    "/milestones/<int:milestone_id>/reviews",
    MilestoneReview,
    MilestoneReviewSchema,
    permission="milestones.view",
    summary="History of a milestone's reviews",
    endpoint="reviews",
    where=children_of(Milestone, "milestone_id", MilestoneReview.milestone_id),
)


def _step(project_id: int, milestone_id: int, action: str, step, text: str):
    m = get_or_404(Milestone, milestone_id, project_id)
    if not allowed(action, m.status):
        raise ApiError(409, _("Action impossible : le jalon est « %(s)s ».", s=m.status_enum.label))
    try:
        step(m, current_user, text)
    except ops.InvalidInput as exc:
        db.session.rollback()
        invalid({"message": str(exc)})
    except ops.WrongState as exc:
        db.session.rollback()
        raise ApiError(409, str(exc)) from None
    db.session.commit()
    return m


def _declare(action: str, step, permission: str, summary: str):
    def view(data, project_id: int, milestone_id: int):
        return _step(project_id, milestone_id, action, step, data.get("message", ""))

    view.__doc__ = summary
    view.__name__ = f"{action}_milestone"
    return api_bp.operation(
        f"/milestones/<int:milestone_id>/{action}",
        "POST",
        permission=permission,
        body=Message,
        response=MilestoneSchema,
    )(view)


submit = _declare(
    "submit", ops.submit, "milestones.edit", "Submit for validation (directors; message required)"
)
validate = _declare("validate", ops.validate, "milestones.validate", "Validate (advisers)")
send_back = _declare(
    "return", ops.send_back, "milestones.validate", "Send back « à reprendre » (advisers; reason)"
)
