"""Pages outside a project: the private iCalendar feed and the adviser's « à valider » list."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import force_locale
from flask_login import current_user, login_required
from icalendar import Calendar, Event

from workspace.extensions import db
from workspace.models import Membership, Project, utcnow
from workspace.plugins import CalendarEntry, call_hook

from . import operations as ops
from .models import Milestone, Status

feed_bp = Blueprint("milestones_public", __name__)
pending_bp = Blueprint("milestones_pending", __name__)


@feed_bp.route("/calendar/milestones/<string:token>.ics")
def feed(token: str):
    """The project's milestones and the other plugins' dated entries (task due dates) as
    iCalendar, for whoever holds the private address."""
    project = ops.project_for_token(token)
    if project is None:
        abort(404)
    body = build_calendar(project)
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": 'inline; filename="agenda.ics"',
            "Cache-Control": "private, no-store",
            "Referrer-Policy": "no-referrer",
        },
    )


def build_calendar(project: Project) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Coopilote//Jalons//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Coopilote — {project.name}")
    host = (current_app.config.get("BASE_URL") or "coopilote").split("//")[-1].strip("/")
    stamp = utcnow()
    rows = db.session.scalars(
        db.select(Milestone)
        .filter_by(project_id=project.id)
        .where(Milestone.planned_date.is_not(None))
        .order_by(Milestone.planned_date)
    )
    with force_locale("fr"):
        for m in rows:
            ev = Event()
            ev.add("uid", f"milestone-{m.id}@{host}")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", m.planned_date)
            ev.add("dtend", m.planned_date + timedelta(days=1))
            ev.add("summary", f"{m.title} ({m.status_enum.label})")
            ev.add("description", m.description or m.deliverables or "")
            ev.add(
                "url",
                url_for(
                    "milestones.detail", project_id=project.id, milestone_id=m.id, _external=True
                ),
            )
            ev.add("status", "CONFIRMED")
            cal.add_component(ev)
        for entries in call_hook("calendar_entries", project=project):
            for entry in entries:
                cal.add_component(_event(entry, host, stamp))
    return cal.to_ical()


def _event(entry: CalendarEntry, host: str, stamp) -> Event:
    ev = Event()
    ev.add("uid", f"{entry.uid}@{host}")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", entry.day)
    ev.add("dtend", entry.day + timedelta(days=1))
    ev.add("summary", entry.summary)
    ev.add("description", entry.description)
    ev.add("url", entry.url)
    return ev


def pending_for(user) -> list[Milestone]:
    """Submitted milestones of the open projects where ``user`` is an adviser."""
    return list(
        db.session.scalars(
            db.select(Milestone)
            .join(Project, Project.id == Milestone.project_id)
            .join(Membership, Membership.project_id == Project.id)
            .where(
                Membership.user_id == user.id,
                Membership.role == "adviser",
                Project.archived.is_(False),
                Milestone.status == Status.SUBMITTED.value,
            )
            .order_by(Project.name, Milestone.planned_date, Milestone.id)
        )
    )


def is_adviser_somewhere(user) -> bool:
    return (
        db.session.scalar(
            db.select(Membership.id).filter_by(user_id=user.id, role="adviser").limit(1)
        )
        is not None
    )


@pending_bp.route("/my/validations")
@login_required
def pending():
    milestones = pending_for(current_user)
    projects = (
        {
            p.id: p
            for p in db.session.scalars(
                db.select(Project).where(Project.id.in_({m.project_id for m in milestones}))
            )
        }
        if milestones
        else {}
    )
    return render_template(
        "milestones/pending.html",
        milestones=milestones,
        projects=projects,
        adviser=is_adviser_somewhere(current_user),
    )
