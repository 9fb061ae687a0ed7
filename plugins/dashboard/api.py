"""The portfolio in the API (``GET /api/v1/dashboard/portfolio``): the same rows, facts and
filters as the page, for a BI tool or the Pôle's own reporting."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask_login import current_user

from workspace.api.base import ApiBlueprint
from workspace.api.pages import CursorArgs, page_of_list
from workspace.api.schemas import ApiSchema, Bool, Choice, Int, Listing, Mapping, Moment, Text
from workspace.models import CooperationForm, Role, Stage

from .portfolio_data import PortfolioFilters, portfolio_rows

site_api = ApiBlueprint("dashboard_site_api", __name__, tag="dashboard")

STAGES = tuple(s.value for s in Stage)
ROLES = tuple(r.value for r in Role)


def _alerts(row) -> list[dict]:
    return [{"text": str(a["text"]), "url": a["url"], "level": a["level"]} for a in row.alerts]


def _next(row) -> dict | None:
    m = row.next_milestone
    if not m:
        return None
    when = m["date"].isoformat() if m["date"] else None
    return {"title": m["title"], "date": when, "url": m["url"], "late": m["late"]}


class PortfolioAlertSchema(ApiSchema):
    text = Text(dump_only=True)
    url = Text(dump_only=True)
    level = Text(dump_only=True)


class PortfolioRowSchema(ApiSchema):
    """One project of my portfolio, with what needs attention."""

    project_id = Int(dump_only=True, source=lambda r: r.project.id)
    name = Text(dump_only=True, source=lambda r: r.project.name)
    form = Choice(CooperationForm, dump_only=True, source=lambda r: r.project.form)
    stage = Choice(STAGES, dump_only=True, source=lambda r: r.project.stage)
    territory = Text(dump_only=True, source=lambda r: r.project.territory)
    archived = Bool(dump_only=True, source=lambda r: r.project.archived)
    role = Choice(ROLES, dump_only=True, description="My role in it")
    next_milestone = Mapping(
        dump_only=True,
        allow_none=True,
        source=_next,
        description="The first milestone not validated: title, date, url, late",
    )
    overdue = Int(dump_only=True, minimum=0, description="Tasks, milestones and measurements late")
    pending = Int(dump_only=True, minimum=0, description="Milestones waiting for validation")
    indicators = Mapping(
        dump_only=True,
        allow_none=True,
        description="Indicators per status",
        source=lambda r: dict(r.lights["counts"]) if r.lights else None,
    )
    alerts = Listing(ma.fields.Nested(PortfolioAlertSchema), dump_only=True, source=_alerts)
    last_activity = Moment(dump_only=True, allow_none=True)


class PortfolioFilterArgs(CursorArgs):
    q = Text(max_length=100, description="Name or area contains")
    stage = Choice(STAGES)
    role = Choice(ROLES, description="My role")
    attention = Bool(description="Only the projects with alerts")
    archived = Bool(description="Archived projects too")


@site_api.operation(
    "/portfolio",
    permission=None,
    response=PortfolioRowSchema,
    many=True,
    query=PortfolioFilterArgs,
)
def portfolio(args):
    """My portfolio: my projects with what needs attention

    The rows of the portfolio page, by project id, with the same filters.
    """
    filters = PortfolioFilters(
        q=args.get("q", ""),
        stage=args.get("stage", ""),
        role=args.get("role", ""),
        attention=args.get("attention", False),
        archived=args.get("archived", False),
        sort="name",
    )
    rows = portfolio_rows(current_user, filters, date.today())
    return page_of_list(rows, args, lambda r: r.project.id)
