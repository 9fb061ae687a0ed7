"""Version pages: the list with « Enregistrer une version », one version, a comparison, restore."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workspace.extensions import db
from workspace.forms.submissions import once_per_submission
from workspace.permissions import can, requires
from workspace.web.feedback import toast

from . import render
from . import versions as v
from .forms import VersionForm
from .models import PlanVersion
from .views import bp


def _version(project_id: int, version_id: int) -> PlanVersion:
    version = db.session.get(PlanVersion, version_id)
    if version is None or version.project_id != project_id:
        abort(404)
    return version


def _all(project_id: int) -> list[PlanVersion]:
    return list(
        db.session.scalars(
            db.select(PlanVersion).filter_by(project_id=project_id).order_by(PlanVersion.id.desc())
        )
    )


@bp.route("/versions", methods=["GET", "POST"])
@requires("plan.view")
@once_per_submission("plan.versions")
def versions(project_id: int):
    form = VersionForm()
    if request.method == "POST":
        if not can(current_user, g.project, "plan.edit"):
            abort(403)
        if form.validate_on_submit():
            v.save_version(g.project, current_user, form.name.data)
            db.session.commit()
            toast(_("Version enregistrée."))
            return redirect(url_for(".versions", project_id=project_id))
    status = 400 if form.errors else 200
    return render_template(
        "plan/versions.html", project=g.project, versions=_all(project_id), form=form
    ), status


@bp.route("/versions/<int:version_id>")
@requires("plan.view")
def version(project_id: int, version_id: int):
    version = _version(project_id, version_id)
    sections = [(entry, render.to_html(v.blocks_of(entry))) for entry in version.snapshot]
    return render_template(
        "plan/version.html", project=g.project, version=version, sections=sections
    )


@bp.route("/versions/compare")
@requires("plan.view")
def compare(project_id: int):
    """``?from=<id>&to=<id>``; ``to`` absent or ``current``: the plan as it is now."""
    old = _version(project_id, request.args.get("from", type=int) or 0)
    to = request.args.get("to", "current")
    if to == "current":
        new = v.current_as_version(project_id)
    else:
        new = _version(project_id, request.args.get("to", type=int) or 0)
        new = {"id": new.id, "name": new.name, "snapshot": new.snapshot}
    return render_template(
        "plan/compare.html",
        project=g.project,
        old=old,
        new=new,
        sections=v.compare(old.snapshot, new["snapshot"]),
        versions=_all(project_id),
    )


@bp.route("/versions/<int:version_id>/restore", methods=["POST"])
@requires("plan.edit")
def restore(project_id: int, version_id: int):
    version = _version(project_id, version_id)
    skipped, updates = v.restore(version, current_user)
    db.session.commit()
    v.broadcast(updates)
    if skipped:
        toast(
            _(
                "Version « %(name)s » restaurée, sauf : %(titles)s (validées ou supprimées).",
                name=version.name,
                titles=", ".join(skipped),
            )
        )
    else:
        toast(_("Version « %(name)s » restaurée.", name=version.name))
    return redirect(url_for(".index", project_id=project_id))
