"""Applications in the REST API, checked by the same operations as the pages.

- ``GET /api/v1/projects/<id>/funding/applications`` (``funding.view``): the project's
  applications and their decisions — never the funder's scores;
- ``POST …/funding/applications`` (``funding.apply``, the coordination): apply to a call,
  the seed's rules checked one by one (400 with a message per rule);
- ``GET /api/v1/funding/calls/<id>/applications`` (the call's funder staff): the call's
  applications with their average scores;
- ``POST /api/v1/funding/calls/<id>/applications/<id>/decision`` (the call's funder staff,
  ``If-Match``): granted with an amount, or refused with a reason.
"""

from __future__ import annotations

from datetime import date

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.base import get_or_404, invalid
from workspace.api.errors import ApiError
from workspace.api.pages import page_of_list
from workspace.api.schemas import Amount, ApiSchema, Choice, Day, Int, Mapping, Moment, Text, body
from workspace.extensions import db

from . import application_ops
from .api import api_bp, refused_rules
from .application_queries import applications_of
from .applications import CRITERIA, ApplicationStatus, FundingApplication
from .calls import FundingCall, manages, visible
from .calls_api import site_api
from .letters import ask_letter
from .models import Purpose


class FundingApplicationSchema(ApiSchema):
    """A project's application to a funder's call for start-up aid, and its decision."""

    id = Int(dump_only=True)
    call_id = Int(dump_only=True)
    project_id = Int(dump_only=True)
    line_id = Int(dump_only=True, allow_none=True)
    amount = Amount(dump_only=True)
    purpose_category = Choice(Purpose, dump_only=True)
    purpose = Text(dump_only=True)
    agreement_on = Day(dump_only=True, allow_none=True)
    status = Choice(ApplicationStatus, dump_only=True)
    amount_granted = Amount(dump_only=True, allow_none=True)
    decision_reason = Text(dump_only=True)
    decided_on = Day(dump_only=True, allow_none=True)
    deadline = Day(dump_only=True, allow_none=True)
    groupement_created_on = Day(dump_only=True, allow_none=True)
    version = Int(dump_only=True)
    created_at = Moment(dump_only=True)


def _averages(application) -> dict:
    return {key: str(v) if v is not None else None for key, v in application.averages().items()}


class FundingApplicationInstructedSchema(FundingApplicationSchema):
    """An application as the call's funder staff see it, with the average scores."""

    average_scores = Mapping(
        dump_only=True,
        source=_averages,
        description="Mean score (1–5, one decimal, as a string) per criterion ("
        + ", ".join(key for key, _label in CRITERIA)
        + ") and in total; null when not scored.",
    )


ApplicationCreate = body(
    "FundingApplicationCreate", {"call_id": Int(required=True, description="The call applied to")}
)
Decision = body(
    "FundingDecision",
    {
        "decision": Choice(("granted", "refused"), required=True),
        "amount_granted": Amount(allow_none=True),
        "reason": Text(max_length=5000),
        "deadline": Day(allow_none=True, description="Groupement created by (default: a year)"),
    },
)


api_bp.listing(
    "/applications",
    FundingApplication,
    FundingApplicationSchema,
    permission="funding.view",
    summary="The project's applications to calls",
    endpoint="applications",
)


@api_bp.create(
    "/applications", FundingApplicationSchema, permission="funding.apply", body=ApplicationCreate
)
def create_application(data, project_id: int):
    """Apply to a call with the project's start-up aid line (the coordination)"""
    call = db.session.get(FundingCall, data["call_id"])
    if call is None or not visible(current_user, call, date.today()):
        invalid({"call_id": _("Appel inconnu.")})
    with refused_rules():
        return application_ops.submit(call, g.project, current_user, date.today())


def _managed_call(call_id: int) -> FundingCall:
    call = db.session.get(FundingCall, call_id)
    if call is None or not visible(current_user, call, date.today()):
        raise ApiError(404)
    if not manages(current_user, call):
        raise ApiError(403)
    return call


def _managed_application(call_id: int, application_id: int) -> FundingApplication:
    call = _managed_call(call_id)
    application = get_or_404(FundingApplication, application_id)
    if application.call_id != call.id:
        raise ApiError(404)
    return application


@site_api.operation(
    "/calls/<int:call_id>/applications",
    permission=None,
    response=FundingApplicationInstructedSchema,
    many=True,
)
def call_applications(args, call_id: int):
    """A call's applications, with their average scores (the call's funder staff)"""
    call = _managed_call(call_id)
    return page_of_list(applications_of(call.id), args, lambda a: a.id)


site_api.read(
    "/calls/<int:call_id>/applications/<int:application_id>",
    _managed_application,
    FundingApplicationInstructedSchema,
    permission=None,
    summary="One application to a call, with its ETag for the decision (the call's funder staff)",
    endpoint="call_application",
)


@site_api.operation(
    "/calls/<int:call_id>/applications/<int:application_id>/decision",
    "POST",
    permission=None,
    body=Decision,
    response=FundingApplicationInstructedSchema,
    if_match=True,
)
def decide_application(data, call_id: int, application_id: int):
    """Record the committee's decision on an application (the call's funder staff)"""
    application = _managed_application(call_id, application_id)
    site_api.check_etag(application, FundingApplicationInstructedSchema)
    with refused_rules():
        application_ops.decide(
            application,
            current_user,
            date.today(),
            granted=data["decision"] == "granted",
            amount=data.get("amount_granted"),
            reason=data.get("reason") or "",
            deadline=data.get("deadline"),
        )
    ask_letter(application, current_user)
    db.session.commit()
    return application
