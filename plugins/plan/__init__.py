"""The project plan (plan de projet): the text the partner directors write together and sign.

Sections come from a template per cooperation form (``templates_data/sections.yaml``);
directors add, rename, reorder and co-edit them live (Yjs in the browser, pycrdt on the
server, over the Socket.IO connection: :mod:`.realtime`, :mod:`.crdt`); each section goes
draft → in review → validated by the Pôle. Publishes ``plan:*`` events (keys ``plan`` and
``plan:<section id>``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workspace.extensions import db
from workspace.operations import project_created
from workspace.permissions import ALL_ROLES, Permission
from workspace.plugins import Commentable, NavItem, Plugin

from . import (
    export,  # noqa: F401 - registers the export routes
    models,  # noqa: F401 - the tables
    realtime,
    views_versions,  # noqa: F401 - registers the version routes
)
from . import operations as ops
from .api import api_bp
from .awaiting import awaiting
from .demo import demo
from .models import PlanSection
from .views import bp


def _resolve(project, object_id):
    section = db.session.get(PlanSection, object_id)
    return section if section is not None and section.project_id == project.id else None


def _on_project_created(project, actor=None, options=None) -> None:
    ops.start_plan(project, actor)


def _on_load(app) -> None:
    realtime.register()
    project_created.connect(_on_project_created, weak=False)


plugin = Plugin(
    name="plan",
    title=_l("Plan de projet"),
    activity_types={"plan": (_l("Plan de projet"), "file-text")},
    blueprint=bp,
    api=api_bp,
    permissions=[
        Permission("plan.view", ALL_ROLES),
        Permission("plan.edit", {"director"}, write=True),
        Permission("plan.review", {"adviser"}, write=True),
    ],
    nav=[NavItem("plan.index", _l("Plan de projet"), "plan.view", icon="file-text", order=15)],
    commentables=[
        Commentable(
            "plan_section",
            _resolve,
            lambda s: s.title,
            ops.section_url,
            "plan.view",
            model=PlanSection,
        )
    ],
    hooks={"awaiting": awaiting},
    styles=["css/plan.css"],
    demo=demo,
    on_load=_on_load,
)
