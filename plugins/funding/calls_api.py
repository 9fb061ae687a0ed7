"""The calls in the API (``GET /api/v1/funding/calls``): those the person sees on ``/appels``."""

from __future__ import annotations

from datetime import date

from flask_login import current_user

from workspace.api.base import ApiBlueprint
from workspace.api.pages import page_of_list
from workspace.api.schemas import Amount, ApiSchema, Choice, Day, Int, Text

from .calls import CallState, calls_for

site_api = ApiBlueprint("funding_site_api", __name__, tag="funding")


class FundingCallSchema(ApiSchema):
    """A funder's call for start-up aid applications."""

    id = Int(dump_only=True)
    funder_id = Int(dump_only=True)
    title = Text(dump_only=True)
    description = Text(dump_only=True)
    envelope = Amount(dump_only=True)
    opens_on = Day(dump_only=True)
    closes_on = Day(dump_only=True)
    state = Choice(CallState, dump_only=True, source=lambda c: c.state(date.today()).value)
    version = Int(dump_only=True)


@site_api.operation("/calls", permission=None, response=FundingCallSchema, many=True)
def calls(args):
    """The calls for applications I see

    Open and closed calls; a funder's staff also see their organisation's calls to come. By id.
    """
    visible = calls_for(current_user, date.today())
    return page_of_list(visible, args, lambda c: c.id)
