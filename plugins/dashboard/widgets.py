"""The dashboard's own cards (stage and next steps, reminders, activity, members) and the
reporting calendar, assembled from every plugin's ``calendar_items(project)`` hook."""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for

from workspace.cache.memo import per_request
from workspace.extensions import db
from workspace.models import Activity, Membership
from workspace.plugins import call_hook, plugins

from . import periods
from .models import Report

SOON = timedelta(days=45)


def calendar(project, today: date | None = None) -> list[dict]:
    """Every due date: measurements (and whatever plugins provide) and the funder reports.

    Each item: ``date``, ``title``, ``url``, ``kind``, ``overdue``; sorted by date. A report
    period already generated is considered done and left out. Computed once per request
    (two cards use it): callers must not change the list.
    """
    return _calendar(project, today or date.today())


@per_request
def _calendar(project, today: date) -> list[dict]:
    items = [i for result in call_hook("calendar_items", project=project) for i in result]
    done = set(
        db.session.scalars(db.select(Report.period).filter_by(project_id=project.id).distinct())
    )
    report_url = url_for("dashboard.reports_page", project_id=project.id)
    for r in periods.due_reports(project, today):
        if r["key"] in done:
            continue
        items.append({**r, "kind": "report", "url": report_url, "overdue": r["date"] < today})
    return sorted(items, key=lambda i: i["date"])


def calendar_parts() -> tuple[str, ...] | None:
    """The revision parts the calendar shows: those each ``calendar_items`` plugin names in
    its ``calendar_parts`` hook; None (any change) if one of them names none."""
    parts: set[str] = set()
    for plugin in plugins():
        if "calendar_items" not in plugin.hooks:
            continue
        named = plugin.hooks.get("calendar_parts")
        if named is None:
            return None
        parts.update(named())
    return tuple(sorted(parts))


def reminders(project, user) -> dict:
    """Late items and those due in the next weeks."""
    today = date.today()
    items = calendar(project, today)
    late = [i for i in items if i["overdue"]]
    soon = [i for i in items if not i["overdue"] and i["date"] <= today + SOON]
    return {"late": late[:6], "soon": soon[:6], "n_late": len(late), "n_soon": len(soon)}


def stage(project, user) -> dict:
    current = project.stage_enum
    upcoming = [i for i in calendar(project) if not i["overdue"]][:3]
    return {"stage": current, "next_stage": current.next(), "upcoming": upcoming}


def activity(project, user) -> dict:
    entries = db.session.scalars(
        db.select(Activity).filter_by(project_id=project.id).order_by(Activity.id.desc()).limit(8)
    ).all()
    return {"entries": entries}


def members(project, user) -> dict:
    rows = db.session.scalars(db.select(Membership).filter_by(project_id=project.id)).all()
    by_org: dict = {}
    for m in sorted(rows, key=lambda m: (m.user.organisation.name, m.user.name)):
        by_org.setdefault(m.user.organisation, []).append(m)
    return {"by_org": by_org, "total": len(rows)}


def activity_url(project) -> str:
    return url_for("projects.activity", project_id=project.id)
