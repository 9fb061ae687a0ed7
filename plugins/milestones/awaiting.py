"""What the milestones ask of people: the adviser's validations, the directors' milestones
sent back « à reprendre » (« Ce qui vous attend » on the home page, the portfolio's alerts)."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func

from workspace.extensions import db
from workspace.projects.awaiting import Awaiting, projects_where

from .models import Milestone, Status


def _counts(project_ids: list[int], status: Status) -> dict[int, int]:
    if not project_ids:
        return {}
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


def portfolio_alerts(project) -> list[dict]:
    """The portfolio's alerts: milestones waiting for the adviser, and sent back."""
    alerts = []
    url = url_for("milestones.index", project_id=project.id)
    submitted = _counts([project.id], Status.SUBMITTED).get(project.id, 0)
    if submitted:
        text = ngettext("%(num)d jalon à valider", "%(num)d jalons à valider", submitted)
        alerts.append({"text": text, "url": url, "level": "warn"})
    returned = _counts([project.id], Status.RETURNED).get(project.id, 0)
    if returned:
        text = ngettext("%(num)d jalon à reprendre", "%(num)d jalons à reprendre", returned)
        alerts.append({"text": text, "url": url, "level": "warn"})
    return alerts


def my_projects_top(projects=(), **_kw):
    """« Jalons à valider » among the home page's entry points, for who validates some."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    validating = projects_where(current_user, list(projects), "milestones.validate")
    if not validating:
        return None
    count = sum(_counts([p.id for p in validating], Status.SUBMITTED).values())
    return render_template("milestones/_pending_top.html", count=count)
