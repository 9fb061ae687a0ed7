"""The funding section of the funder report (hook ``report_sections``)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from workspace.extensions import db
from workspace.plugins import call_hook

from .budget import budget_context
from .models import FundingLine, Kind
from .operations import criteria_of
from .rules import AID_MAX, AID_MIN
from .summary import summary


def report_sections(project, period) -> list[dict]:
    """Each funding line (amounts, spent, remaining), the totals and each partner's budget share;
    for the start-up aid, its conditions, its use (planned, then each expense and its
    supporting document) and the selection criteria the adviser wrote.

    Amounts are those recorded today: lines keep no dated history of their amounts.
    """
    lines = list(
        db.session.scalars(
            db.select(FundingLine)
            .filter_by(project_id=project.id)
            .options(selectinload(FundingLine.expenses))
            .order_by(FundingLine.id)
        )
    )
    if not lines:
        return []
    budget = budget_context(project)
    aid = next((line for line in lines if line.kind == Kind.STARTUP_AID), None)
    dates = [d for d in call_hook("agreement_date", project=project) if d is not None]
    html = render_template(
        "funding/_report.html",
        lines=lines,
        summary=summary(lines),
        partners=[p for p in budget["partners"] if p["total"]],
        budget_total=budget["total"],
        aid=aid,
        aid_min=AID_MIN,
        aid_max=AID_MAX,
        agreement_on=min(dates) if dates else None,
        criteria=criteria_of(project) if aid else None,
    )
    return [{"title": _("Financement et dépenses"), "html": html, "order": 50}]
