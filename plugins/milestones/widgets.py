"""The dashboard card: next milestones, overdue ones, and how many await validation."""

from __future__ import annotations

from datetime import date

from workspace.extensions import db

from .models import Milestone, Status


def upcoming(project, user) -> dict:
    rows = list(
        db.session.scalars(
            db.select(Milestone)
            .filter_by(project_id=project.id)
            .where(Milestone.status != Status.VALIDATED.value)
            .order_by(Milestone.planned_date.is_(None), Milestone.planned_date, Milestone.id)
        )
    )
    today = date.today()
    done = db.session.scalar(
        db.select(db.func.count(Milestone.id)).filter_by(
            project_id=project.id, status=Status.VALIDATED.value
        )
    )
    return {
        "next": rows[:4],
        "overdue": sum(1 for m in rows if m.is_overdue(today)),
        "submitted": sum(1 for m in rows if m.status == Status.SUBMITTED.value),
        "validated": done,
        "total": done + len(rows),
        "today": today,
    }
