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

from workspace.api.core import check_if_match, endpoint, item, page, page_of_list
from workspace.api.errors import ApiError
from workspace.api.fields import F, Resource
from workspace.extensions import db

from . import application_ops
from . import operations as ops
from .api import _rule_errors, api_bp
from .application_queries import applications_of
from .applications import CRITERIA, ApplicationStatus, FundingApplication
from .calls import FundingCall, manages, visible
from .calls_api import site_api
from .letters import ask_letter
from .models import Purpose

_COMMON = {
    "id": F("integer", read_only=True),
    "call_id": F("integer", read_only=True),
    "project_id": F("integer", read_only=True),
    "line_id": F("integer", read_only=True, nullable=True),
    "amount": F("money", read_only=True),
    "purpose_category": F("enum", read_only=True, choices=tuple(p.value for p in Purpose)),
    "purpose": F("text", read_only=True),
    "agreement_on": F("date", read_only=True, nullable=True),
    "status": F("enum", read_only=True, choices=tuple(s.value for s in ApplicationStatus)),
    "amount_granted": F("money", read_only=True, nullable=True),
    "decision_reason": F("text", read_only=True),
    "decided_on": F("date", read_only=True, nullable=True),
    "deadline": F("date", read_only=True, nullable=True),
    "groupement_created_on": F("date", read_only=True, nullable=True),
    "version": F("integer", read_only=True),
    "created_at": F("datetime", read_only=True),
}

APPLICATION = Resource(
    "FundingApplication",
    _COMMON,
    "A project's application to a funder's call for start-up aid, and its decision.",
)


def _averages(application) -> dict:
    return {key: str(v) if v is not None else None for key, v in application.averages().items()}


INSTRUCTED = Resource(
    "FundingApplicationInstructed",
    {
        **_COMMON,
        "average_scores": F(
            "object",
            read_only=True,
            source=_averages,
            description="Mean score (1–5, one decimal, as a string) per criterion ("
            + ", ".join(key for key, _label in CRITERIA)
            + ") and in total; null when not scored.",
        ),
    },
    "An application as the call's funder staff see it, with the average scores.",
)


@endpoint(
    api_bp,
    "/applications",
    summary="The project's applications to calls",
    tag="funding",
    permission="funding.view",
    response=APPLICATION,
    many=True,
)
def applications(project_id: int, args):
    stmt = db.select(FundingApplication).filter_by(project_id=project_id)
    return page(stmt, FundingApplication.id, args, APPLICATION)


@endpoint(
    api_bp,
    "/applications",
    "POST",
    summary="Apply to a call with the project's start-up aid line (the coordination)",
    tag="funding",
    permission="funding.apply",
    body_fields={"call_id": F("integer", required=True, description="The call applied to")},
    response=APPLICATION,
    status=201,
    name="create_application",
)
def create_application(project_id: int, data):
    call = db.session.get(FundingCall, data["call_id"])
    if call is None or not visible(current_user, call, date.today()):
        raise ApiError(
            400, _("Certaines informations sont invalides."), {"call_id": _("Appel inconnu.")}
        )
    try:
        new = application_ops.submit(call, g.project, current_user, date.today())
    except ops.RuleBroken as exc:
        _rule_errors(exc)
    db.session.commit()
    return item(new, APPLICATION, 201)


def _managed_call(call_id: int) -> FundingCall:
    call = db.session.get(FundingCall, call_id)
    if call is None or not visible(current_user, call, date.today()):
        raise ApiError(404)
    if not manages(current_user, call):
        raise ApiError(403)
    return call


@endpoint(
    site_api,
    "/calls/<int:call_id>/applications",
    summary="A call's applications, with their average scores (the call's funder staff)",
    tag="funding",
    permission=None,
    response=INSTRUCTED,
    many=True,
)
def call_applications(call_id: int, args):
    call = _managed_call(call_id)
    return page_of_list(applications_of(call.id), args, INSTRUCTED.dump, lambda a: a.id)


@endpoint(
    site_api,
    "/calls/<int:call_id>/applications/<int:application_id>/decision",
    "POST",
    summary="Record the committee's decision on an application (the call's funder staff)",
    tag="funding",
    permission=None,
    body_fields={
        "decision": F("enum", required=True, choices=("granted", "refused")),
        "amount_granted": F("money", nullable=True),
        "reason": F("text", max_length=5000),
        "deadline": F("date", nullable=True, description="Groupement created by (default: a year)"),
    },
    response=INSTRUCTED,
    if_match=True,
    name="decide_application",
)
def decide_application(call_id: int, application_id: int, data):
    call = _managed_call(call_id)
    application = db.session.get(FundingApplication, application_id)
    if application is None or application.call_id != call.id:
        raise ApiError(404)
    check_if_match(application, INSTRUCTED)
    try:
        application_ops.decide(
            application,
            current_user,
            date.today(),
            granted=data["decision"] == "granted",
            amount=data.get("amount_granted"),
            reason=data.get("reason") or "",
            deadline=data.get("deadline"),
        )
    except ops.RuleBroken as exc:
        _rule_errors(exc)
    ask_letter(application, current_user)
    db.session.commit()
    return item(application, INSTRUCTED)
