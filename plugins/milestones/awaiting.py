"""What the milestones ask of people: the adviser's validations, the directors' milestones
sent back « à reprendre » (« Ce qui vous attend » on the home page, the portfolio's alerts)."""

from __future__ import annotations

from datetime import date

from flask import render_template, url_for
from flask_login import current_user
from sqlalchemy import func

from workspace.cache.memo import per_request
from workspace.extensions import db
from workspace.projects.awaiting import Awaiting, projects_where
from workspace.web.formats import ngettext

from .models import Milestone, Status


def _counts(project_ids: list[int], status: Status) -> dict[int, int]:
    """``{project id: milestones in status}`` (shared within the request: do not change it)."""
    return _counted(tuple(project_ids), status) if project_ids else {}


@per_request  # the home page asks it twice: « Ce qui vous attend » and the entry point
def _counted(project_ids: tuple[int, ...], status: Status) -> dict[int, int]:
    rows = db.session.execute(
        db.select(Milestone.project_id, func.count(Milestone.id))
        .where(Milestone.project_id.in_(project_ids), Milestone.status == status.value)
        .group_by(Milestone.project_id)
    )
    return dict(rows.all())


def awaiting(user, projects) -> list[Awaiting]:
    items = []
    validating = projects_where(user, projects, "milestones.validate")
    to_validate = sum(_counts([p.id for p in validating], Status.SUBMITTED).values())
    if to_validate:
        text = ngettext("%(num)d jalon à valider", "%(num)d jalons à valider", to_validate)
        url = url_for("milestones_pending.pending")
        items.append(Awaiting(text, url, "flag", to_validate, tone="warn"))
    editing = projects_where(user, projects, "milestones.edit")
    returned = _counts([p.id for p in editing], Status.RETURNED)
    for project in editing:
        if n := returned.get(project.id):
            text = ngettext(
                "%(num)d jalon renvoyé à reprendre", "%(num)d jalons renvoyés à reprendre", n
            )
            url = url_for("milestones.index", project_id=project.id)
            items.append(Awaiting(text, url, "flag", n, project, tone="danger"))
    return items


def portfolio_facts(projects, today: date) -> dict[int, dict]:
    """The portfolio's facts of each project (one query for them all): the next milestone
    not yet validated, those past their date (``overdue``), those waiting for the adviser
    (``pending``) and the alerts (to validate, to rework, late)."""
    ids = [p.id for p in projects]
    if not ids:
        return {}
    open_ones = db.session.execute(
        db.select(Milestone.id, Milestone.project_id, Milestone.title, Milestone.planned_date)
        .add_columns(Milestone.status)
        .where(Milestone.project_id.in_(ids), Milestone.status != Status.VALIDATED.value)
        .order_by(Milestone.planned_date.is_(None), Milestone.planned_date, Milestone.id)
    ).all()
    by_project: dict[int, list] = {}
    for row in open_ones:
        by_project.setdefault(row.project_id, []).append(row)
    facts = {}
    for pid, rows in by_project.items():
        url = url_for("milestones.index", project_id=pid)
        first = rows[0]
        submitted = sum(r.status == Status.SUBMITTED.value for r in rows)
        returned = sum(r.status == Status.RETURNED.value for r in rows)
        # Waiting for the adviser is not late: the directors did their part.
        late = sum(
            bool(r.planned_date and r.planned_date < today and r.status != Status.SUBMITTED.value)
            for r in rows
        )
        alerts = []
        if submitted:
            text = ngettext("%(num)d jalon à valider", "%(num)d jalons à valider", submitted)
            alerts.append({"text": text, "url": url, "level": "warn"})
        if returned:
            text = ngettext("%(num)d jalon à reprendre", "%(num)d jalons à reprendre", returned)
            alerts.append({"text": text, "url": url, "level": "warn"})
        if late:
            text = ngettext("%(num)d jalon en retard", "%(num)d jalons en retard", late)
            alerts.append({"text": text, "url": url, "level": "danger"})
        facts[pid] = {
            "next_milestone": {
                "title": first.title,
                "date": first.planned_date,
                "url": url_for("milestones.detail", project_id=pid, milestone_id=first.id),
                "late": bool(first.planned_date and first.planned_date < today),
            },
            "pending": submitted,
            "overdue": late,
            "alerts": alerts,
        }
    return facts


def my_projects_top(projects=(), **_kw):
    """« Jalons à valider » among the home page's entry points, for who validates some."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    validating = projects_where(current_user, list(projects), "milestones.validate")
    if not validating:
        return None
    count = sum(_counts([p.id for p in validating], Status.SUBMITTED).values())
    return render_template("milestones/_pending_top.html", count=count)
