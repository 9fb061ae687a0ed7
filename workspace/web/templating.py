"""What every template sees: can(), navigation, hooks, widgets, formats, assets."""

from __future__ import annotations

from flask import g, request, url_for
from flask_login import current_user
from markupsafe import Markup

from workspace import plugins
from workspace.cache import fragments
from workspace.cache.small import render_small
from workspace.forms.submissions import submission_field
from workspace.models import Area, CooperationForm, Role, Stage, area_label
from workspace.permissions import can, membership_of
from workspace.web import formats


def _can(permission: str, project=None) -> bool:
    return can(current_user, project or g.get("project"), permission)


def _assets() -> dict:
    ps = plugins.plugins()
    return {
        "styles": [s for p in ps for s in p.styles],
        "scripts": [s for p in ps for s in p.scripts],
    }


URL_SENTINEL = 987654321987  # an id no project has, replaced by each project's own


def _switcher_projects() -> list:
    """The signed-in user's active projects, by name, for the project switcher: ``(id,
    name, url)``, one query (reading ``membership.project`` per membership was one query per
    project)."""
    from workspace.extensions import db
    from workspace.models import Membership, Project

    if not current_user.is_authenticated:
        return []
    rows = db.session.execute(
        db.select(Project.id, Project.name)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == current_user.id, Project.archived.is_(False))
        .order_by(Project.name, Project.id)
    )
    # One url_for, not one per project (an adviser may have 200): the id is the only change.
    pattern = url_for("projects.overview", project_id=URL_SENTINEL)
    sentinel = str(URL_SENTINEL)
    return [(pid, name, pattern.replace(sentinel, str(pid))) for pid, name in rows]


def _project_nav(project) -> Markup:
    """The project's side navigation: the same for everyone with the same roles on the same
    page of the same project (its archived state closes the write tabs). Its template asks
    ``can()`` about the request's project (``g.project``, the layout's ``project``)."""
    return render_small(
        "_project_nav.html",
        project_id=project.id,
        roles=fragments.rights_key(project),
        archived=project.archived,
        here=request.endpoint,
    )


def _static(path: str) -> str:
    # Once per request and path: a page of 200 rows shows the same icon sprite 1 000 times.
    known = g.setdefault("static_urls", {})
    if path not in known:
        known[path] = url_for("static", filename=path)
    return known[path]


def init_templating(app) -> None:
    # csrf_token: Flask-WTF's, except while a fragment is rendered for the cache
    # (fragments.py); Flask-WTF sets it as a global and in a context processor: both replaced.
    app.context_processor(lambda: {"project": g.get("project"), "csrf_token": fragments.csrf_token})
    app.jinja_env.filters.update(formats.FILTERS)
    app.jinja_env.globals.update(
        can=_can,
        nav_items=plugins.nav_items,
        render_hook=plugins.render_hook,
        call_hook=plugins.call_hook,
        dashboard_widgets=plugins.widgets,
        get_plugin=plugins.get_plugin,
        plugin_assets=_assets,
        membership_of=membership_of,
        Stage=Stage,
        Area=Area,
        area_label=area_label,
        Role=Role,
        CooperationForm=CooperationForm,
        lang=formats.current_lang,
        asset=_static,
        switcher_projects=_switcher_projects,
        project_nav=_project_nav,
        csrf_token=fragments.csrf_token,
        submission_field=submission_field,
    )
