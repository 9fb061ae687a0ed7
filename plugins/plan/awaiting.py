"""What the plan asks of the Pôle adviser (« Ce qui vous attend » on the home page): the
sections submitted for review, per project, in one query."""

from __future__ import annotations

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import func

from workspace.extensions import db
from workspace.projects.awaiting import Awaiting, projects_where

from .models import PlanSection, Status


def awaiting(user, projects) -> list[Awaiting]:
    reviewing = projects_where(user, projects, "plan.review")
    if not reviewing:
        return []
    counts = dict(
        db.session.execute(
            db.select(PlanSection.project_id, func.count(PlanSection.id))
            .where(
                PlanSection.project_id.in_([p.id for p in reviewing]),
                PlanSection.status == Status.REVIEW.value,
            )
            .group_by(PlanSection.project_id)
        ).all()
    )
    items = []
    for project in reviewing:
        if n := counts.get(project.id):
            text = ngettext(
                "%(num)d section du plan à relire", "%(num)d sections du plan à relire", n
            )
            url = url_for("plan.index", project_id=project.id)
            items.append(Awaiting(text, url, "file-text", n, project, tone="warn"))
    return items
