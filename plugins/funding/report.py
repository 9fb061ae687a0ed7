"""The funding section of the funder report (hook ``report_sections``)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from workspace.extensions import db

from .budget import budget_context
from .models import FundingLine
from .summary import summary


def report_sections(project, period) -> list[dict]:
    """Each funding line (amounts, spent, remaining), the totals and each partner's budget share.

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
    html = render_template(
        "funding/_report.html",
        lines=lines,
        summary=summary(lines),
        partners=[p for p in budget["partners"] if p["total"]],
        budget_total=budget["total"],
    )
    return [{"title": _("Financement et dépenses"), "html": html, "order": 50}]
