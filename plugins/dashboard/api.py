"""The portfolio in the API (``GET /api/v1/dashboard/portfolio``): the same rows, facts and
filters as the page, for a BI tool or the Pôle's own reporting."""

from __future__ import annotations

from datetime import date

from flask import Blueprint
from flask_login import current_user

from workspace.api.core import endpoint, page_of_list
from workspace.api.fields import F, Resource
from workspace.models import CooperationForm, Role, Stage

from .portfolio_data import PortfolioFilters, portfolio_rows

site_api = Blueprint("dashboard_site_api", __name__)

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


PORTFOLIO_ROW = Resource(
    "PortfolioRow",
    {
        "project_id": F("integer", read_only=True, source=lambda r: r.project.id),
        "name": F("string", read_only=True, source=lambda r: r.project.name),
        "form": F(
            "enum",
            read_only=True,
            choices=tuple(f.value for f in CooperationForm),
            source=lambda r: r.project.form,
        ),
        "stage": F("enum", read_only=True, choices=STAGES, source=lambda r: r.project.stage),
        "territory": F("string", read_only=True, source=lambda r: r.project.territory),
        "archived": F("boolean", read_only=True, source=lambda r: r.project.archived),
        "role": F("enum", read_only=True, choices=ROLES, description="My role in it"),
        "next_milestone": F(
            "object",
            read_only=True,
            nullable=True,
            source=_next,
            description="The first milestone not validated: title, date, url, late",
        ),
        "overdue": F(
            "integer",
            read_only=True,
            minimum=0,
            description="Tasks, milestones and measurements late",
        ),
        "pending": F(
            "integer", read_only=True, minimum=0, description="Milestones waiting for validation"
        ),
        "indicators": F(
            "object",
            read_only=True,
            nullable=True,
            description="Indicators per status",
            source=lambda r: dict(r.lights["counts"]) if r.lights else None,
        ),
        "alerts": F(
            "list",
            read_only=True,
            source=_alerts,
            items={
                "type": "object",
                "properties": {
                    "text": {"type": "string"},
                    "url": {"type": "string"},
                    "level": {"type": "string"},
                },
            },
        ),
        "last_activity": F("datetime", read_only=True, nullable=True),
    },
    "One project of my portfolio, with what needs attention.",
)

FILTERS = {
    "q": F("string", max_length=100, description="Name or area contains"),
    "stage": F("enum", choices=STAGES),
    "role": F("enum", choices=ROLES, description="My role"),
    "attention": F("boolean", description="Only the projects with alerts"),
    "archived": F("boolean", description="Archived projects too"),
}


@endpoint(
    site_api,
    "/portfolio",
    summary="My portfolio: my projects with what needs attention",
    tag="dashboard",
    permission=None,
    response=PORTFOLIO_ROW,
    many=True,
    query=FILTERS,
    description="The rows of the portfolio page, by project id, with the same filters.",
)
def portfolio(args):
    """My projects (by id), with their facts; the filters of the page."""
    filters = PortfolioFilters(
        q=args.get("q", ""),
        stage=args.get("stage", ""),
        role=args.get("role", ""),
        attention=args.get("attention", False),
        archived=args.get("archived", False),
        sort="name",
    )
    rows = portfolio_rows(current_user, filters, date.today())
    return page_of_list(rows, args, PORTFOLIO_ROW.dump, lambda r: r.project.id)
