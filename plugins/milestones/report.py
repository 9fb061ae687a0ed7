"""The milestones section of the funder report (hook ``report_sections``)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from workspace.extensions import db

from .models import Milestone


def report_sections(project, period) -> list[dict]:
    """Each milestone with its planned date, status and review records up to the period's end."""
    milestones = db.session.scalars(
        db.select(Milestone)
        .filter_by(project_id=project.id)
        .options(selectinload(Milestone.reviews))
        .order_by(Milestone.planned_date.is_(None), Milestone.planned_date, Milestone.id)
    ).all()
    if not milestones:
        return []
    # A report on a past period must not show decisions taken after it.
    items = [
        {"milestone": m, "reviews": [r for r in m.reviews if r.created_at.date() <= period["end"]]}
        for m in milestones
    ]
    html = render_template("milestones/_report.html", items=items)
    return [{"title": _("Jalons et validations"), "html": html, "order": 20}]
