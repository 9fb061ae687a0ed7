"""The calls in the API (``GET /api/v1/funding/calls``): those the person sees on ``/appels``."""

from __future__ import annotations

from datetime import date

from flask import Blueprint
from flask_login import current_user

from workspace.api.core import endpoint, page_of_list
from workspace.api.fields import F, Resource

from .calls import CallState, calls_for

site_api = Blueprint("funding_site_api", __name__)

CALL = Resource(
    "FundingCall",
    {
        "id": F("integer", read_only=True),
        "funder_id": F("integer", read_only=True),
        "title": F("string", read_only=True),
        "description": F("text", read_only=True),
        "envelope": F("money", read_only=True),
        "opens_on": F("date", read_only=True),
        "closes_on": F("date", read_only=True),
        "state": F(
            "enum",
            read_only=True,
            choices=tuple(s.value for s in CallState),
            source=lambda c: c.state(date.today()).value,
        ),
        "version": F("integer", read_only=True),
    },
    "A funder's call for start-up aid applications.",
)


@endpoint(
    site_api,
    "/calls",
    summary="The calls for applications I see",
    tag="funding",
    permission=None,
    response=CALL,
    many=True,
    description="Open and closed calls; a funder's staff also see their organisation's "
    "calls to come. By id.",
)
def calls(args):
    visible = calls_for(current_user, date.today())
    return page_of_list(visible, args, CALL.dump, lambda c: c.id)
