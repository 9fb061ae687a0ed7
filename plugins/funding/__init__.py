"""Funding (financement): lines per funder, the start-up aid rules, expenses, the budget.

Above the projects, the funder's calls for start-up aid (``/appels``, :mod:`.calls`), the
projects' applications to them, their scoring and decision (:mod:`.applications`).

Consumes the hooks ``agreement_recorded`` and ``agreement_date`` (milestones, checklists) and the
core signal ``project_archived``; publishes ``funding:repayable`` (keys ``funding:<id>``) and
``funding:application_submitted`` / ``funding:application_decided`` (keys ``funding``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workspace.extensions import db
from workspace.operations import project_archived
from workspace.permissions import ALL_ROLES, Permission
from workspace.plugins import Commentable, NavItem, Plugin, Widget

from . import (
    aid_followup,  # noqa: F401 - the daily check of the groupements' deadlines
    application_api,  # noqa: F401 - the applications' API resources
    application_views,  # noqa: F401 - registers the applications' routes on the calls' one
    applications,  # noqa: F401 - the applications' and scores' tables
    budget,  # noqa: F401 - registers the budget routes on the blueprint
    calls,  # noqa: F401 - the calls' table
    followup_views,  # noqa: F401 - a granted aid's follow-up, on the calls' blueprint
    letters,  # noqa: F401 - the notification letter's background job
    models,  # noqa: F401 - the tables
)
from .api import api_bp
from .call_views import bp as calls_bp
from .call_views import user_menu
from .calls_api import site_api
from .demo import demo
from .models import FundingLine
from .operations import aid_becomes_repayable, line_url
from .report import report_sections
from .summary import widget_data
from .views import bp


def _on_archived(project, actor=None, groupement_created=True, **_kw) -> None:
    if not groupement_created:
        aid_becomes_repayable(project, actor)


def _on_load(app) -> None:
    project_archived.connect(_on_archived, weak=False)


def _resolve(project, object_id):
    line = db.session.get(FundingLine, object_id)
    return line if line is not None and line.project_id == project.id else None


def _label(line) -> str:
    return f"{line.kind_enum.label} — {line.funder.name}"


plugin = Plugin(
    name="funding",
    title=_l("Financement"),
    activity_types={
        "funding": (_l("Financement"), "euro"),
        "budget": (_l("Budget"), "euro"),
    },
    blueprint=bp,
    root_blueprint=calls_bp,
    site_api=site_api,
    api=api_bp,
    permissions=[
        Permission("funding.view", ALL_ROLES),
        Permission("funding.edit", {"director"}, write=True),
        Permission("funding.criteria", {"adviser", "coordinator"}, write=True),
        Permission("funding.apply", {"coordinator"}, write=True),
    ],
    nav=[NavItem("funding.index", _l("Financement"), "funding.view", icon="euro", order=40)],
    widgets=[
        Widget(
            "funding",
            _l("Financement"),
            "funding/_widget.html",
            widget_data,
            "funding.view",
            order=40,
            size="wide",
        )
    ],
    commentables=[Commentable("funding", _resolve, _label, line_url, "funding.view", FundingLine)],
    hooks={"report_sections": report_sections, "user_menu": user_menu},
    styles=["css/funding.css"],
    demo=demo,
    on_load=_on_load,
)
