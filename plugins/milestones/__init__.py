"""Milestones (jalons): submitted by directors, validated or sent back by the Pôle adviser.

Provides the hooks ``milestone_choices``, ``agreement_recorded``, ``agreement_date`` and
``agreement_dates``; renders the hooks ``milestone_links`` and ``object_panel`` on the
milestone page; publishes
``milestone:submitted|validated|returned|reopened`` (keys ``milestone:<id>``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from workspace.extensions import db
from workspace.permissions import ALL_ROLES, Permission
from workspace.plugins import Commentable, NavItem, Plugin, Searchable, Widget

from . import models  # noqa: F401 - the tables
from .api import api_bp
from .awaiting import awaiting, my_projects_top, portfolio_facts
from .demo import demo
from .models import Decision, Milestone, MilestoneReview, Status
from .operations import milestone_url
from .public import feed_bp, pending_bp
from .report import report_sections
from .views import bp
from .widgets import upcoming


def milestone_choices(project) -> list[tuple[int, str]]:
    """``[(id, title)]`` of the project's milestones, for link fields in other plugins."""
    rows = db.session.execute(
        db.select(Milestone.id, Milestone.title)
        .filter_by(project_id=project.id)
        .order_by(Milestone.planned_date.is_(None), Milestone.planned_date, Milestone.id)
    )
    return [(r.id, r.title) for r in rows]


def agreement_recorded(project) -> bool:
    """True when a milestone marked « accord des parties » is validated."""
    return (
        db.session.scalar(
            db.select(Milestone.id)
            .filter_by(project_id=project.id, is_agreement=True, status=Status.VALIDATED.value)
            .limit(1)
        )
        is not None
    )


def agreement_date(project):
    """The day the adviser validated the parties' agreement (None while it is not)."""
    when = db.session.scalar(
        db.select(MilestoneReview.created_at)
        .join(Milestone, Milestone.id == MilestoneReview.milestone_id)
        .where(
            Milestone.project_id == project.id,
            Milestone.is_agreement.is_(True),
            Milestone.status == Status.VALIDATED.value,
            MilestoneReview.decision == Decision.VALIDATED.value,
        )
        .order_by(MilestoneReview.id.desc())
        .limit(1)
    )
    return when.date() if when is not None else None


def agreement_dates(project_ids):
    """``{project_id: day}`` of the latest validation of each project's agreement milestone,
    for many projects in one query (a funder's call compares its applications)."""
    rows = db.session.execute(
        db.select(Milestone.project_id, func.max(MilestoneReview.created_at))
        .join(Milestone, Milestone.id == MilestoneReview.milestone_id)
        .where(
            Milestone.project_id.in_(list(project_ids)),
            Milestone.is_agreement.is_(True),
            Milestone.status == Status.VALIDATED.value,
            MilestoneReview.decision == Decision.VALIDATED.value,
        )
        .group_by(Milestone.project_id)
    )
    return {project_id: when.date() for project_id, when in rows if when is not None}


def _resolve(project, object_id):
    m = db.session.get(Milestone, object_id)
    return m if m is not None and m.project_id == project.id else None


def _on_load(app) -> None:
    app.register_blueprint(feed_bp)  # a second root blueprint: the public iCalendar feed


plugin = Plugin(
    name="milestones",
    title=_l("Jalons"),
    activity_types={"milestone": (_l("Jalons"), "flag")},
    blueprint=bp,
    api=api_bp,
    root_blueprint=pending_bp,
    permissions=[
        Permission("milestones.view", ALL_ROLES),
        Permission("milestones.edit", {"director"}, write=True),
        Permission("milestones.validate", {"adviser"}, write=True),
        Permission("milestones.calendar", {"coordinator"}, write=True),
    ],
    nav=[NavItem("milestones.index", _l("Jalons"), "milestones.view", icon="flag", order=30)],
    widgets=[
        Widget(
            "milestones",
            _l("Prochains jalons"),
            "milestones/_widget.html",
            upcoming,
            "milestones.view",
            order=30,
        )
    ],
    commentables=[
        Commentable(
            "milestone",
            _resolve,
            lambda m: m.title,
            milestone_url,
            "milestones.view",
            model=Milestone,
        )
    ],
    searchables=[
        Searchable(
            _l("Jalon"),
            Milestone,
            (Milestone.title, Milestone.description, Milestone.deliverables),
            label=lambda m: m.title,
            url=milestone_url,
            permission="milestones.view",
            icon="flag",
        )
    ],
    hooks={
        "milestone_choices": milestone_choices,
        "agreement_recorded": agreement_recorded,
        "agreement_date": agreement_date,
        "agreement_dates": agreement_dates,
        "my_projects_top": my_projects_top,
        "awaiting": awaiting,
        "portfolio_facts": portfolio_facts,
        "report_sections": report_sections,
    },
    styles=["css/milestones.css"],
    demo=demo,
    on_load=_on_load,
)
