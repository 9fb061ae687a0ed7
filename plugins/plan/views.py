"""Plan pages: the whole plan as one document, a section's live editor, the section forms."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workspace.extensions import db
from workspace.forms.conflicts import check_version
from workspace.forms.submissions import once_per_submission
from workspace.permissions import can, requires
from workspace.web.feedback import toast
from workspace.web.formats import current_lang

from . import catalog, crdt, render
from . import operations as ops
from .forms import SectionForm
from .models import PlanSection, PlanUpdate

bp = Blueprint("plan", __name__, template_folder="templates")


def _may(permission: str) -> bool:
    return can(current_user, g.project, permission)


def _section(project_id: int, section_id: int) -> PlanSection:
    section = db.session.get(PlanSection, section_id)
    if section is None or section.project_id != project_id:
        abort(404)
    return section


def section_html(sections: list[PlanSection]) -> dict[int, str]:
    """Each section's HTML now: the stored one, or the live document's when edits are pending."""
    ids = [s.id for s in sections]
    pending = set(
        db.session.scalars(
            db.select(PlanUpdate.section_id).distinct().where(PlanUpdate.section_id.in_(ids))
        )
        if ids
        else []
    )
    return {
        s.id: (
            render.to_html(crdt.current_blocks(s.id))
            if s.id in pending or s.content is None
            else s.content.html
        )
        for s in sections
    }


def _outline_context(project) -> dict:
    sections = ops.sections_of(project.id)
    return {
        "project": project,
        "sections": sections,
        "html": section_html(sections),
        "text_lang": current_lang(),
        "template_count": len(catalog.for_form(project.form)),
        "form_label": project.form_label,
        "actions": {s.id: ops.allowed_actions(s, _may) for s in sections},
    }


@bp.route("/")
@requires("plan.view")
def index(project_id: int):
    return render_template("plan/index.html", **_outline_context(g.project))


@bp.route("/outline")
@requires("plan.view")
def outline(project_id: int):
    """The sections, refetched live when the plan changes."""
    return render_template("plan/_outline.html", **_outline_context(g.project))


@bp.route("/start", methods=["POST"])
@requires("plan.edit")
def start(project_id: int):
    ops.start_plan(g.project, current_user)
    db.session.commit()
    toast(_("Plan de projet démarré."))
    return redirect(url_for(".index", project_id=project_id))


@bp.route("/sections/new", methods=["GET", "POST"])
@requires("plan.edit")
@once_per_submission("plan.index")
def create(project_id: int):
    form = SectionForm()
    if form.validate_on_submit():
        section = ops.add_section(g.project, current_user, form.title.data, form.hint.data or "")
        db.session.commit()
        toast(_("Section ajoutée."))
        return redirect(url_for(".section", project_id=project_id, section_id=section.id))
    status = 400 if form.errors else 200
    return render_template("plan/form.html", form=form, section=None), status


@bp.route("/sections/<int:section_id>")
@requires("plan.view")
def section(project_id: int, section_id: int):
    s = _section(project_id, section_id)
    sections = ops.sections_of(project_id)
    return render_template(
        "plan/section.html",
        project=g.project,
        section=s,
        number=sections.index(s) + 1,
        html=section_html([s])[s.id],
        text_lang=current_lang(),
        actions=ops.allowed_actions(s, _may),
        may_write=s.editable and _may("plan.edit"),
    )


@bp.route("/sections/<int:section_id>/edit", methods=["GET", "POST"])
@requires("plan.edit")
def edit(project_id: int, section_id: int):
    s = _section(project_id, section_id)
    form = SectionForm(obj=s)
    if form.validate_on_submit():
        check_version(
            s, request.form.get("version"), {_("Titre"): s.title, _("Consigne"): s.hint}, form=form
        )
        ops.rename_section(s, current_user, form.title.data, form.hint.data or "")
        db.session.commit()
        toast(_("Section enregistrée."))
        return redirect(url_for(".index", project_id=project_id, _anchor=f"section-{s.id}"))
    status = 400 if form.errors else 200
    return render_template("plan/form.html", form=form, section=s), status


@bp.route("/sections/<int:section_id>/move", methods=["POST"])
@requires("plan.edit")
def move(project_id: int, section_id: int):
    s = _section(project_id, section_id)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400, _("Sens de déplacement inconnu."))
    if ops.move_section(s, current_user, offset):
        db.session.commit()
    return redirect(url_for(".index", project_id=project_id, _anchor=f"section-{s.id}"))


@bp.route("/sections/<int:section_id>/delete", methods=["POST"])
@requires("plan.edit")
def delete(project_id: int, section_id: int):
    s = _section(project_id, section_id)
    try:
        ops.delete_section(s, current_user)
    except ValueError:
        abort(409, _("Cette section contient du texte : videz-la avant de la supprimer."))
    db.session.commit()
    toast(_("Section supprimée."))
    return redirect(url_for(".index", project_id=project_id))


@bp.route("/sections/<int:section_id>/status", methods=["POST"])
@requires("plan.view")
def status(project_id: int, section_id: int):
    s = _section(project_id, section_id)
    action = request.form.get("action", "")
    transition = ops.TRANSITIONS.get(s.status, {}).get(action)
    if transition is None:
        abort(409, _("La section a changé d'état entre-temps : rechargez la page."))
    if not _may(transition[1]):
        abort(403)
    ops.change_status(s, current_user, action)
    db.session.commit()
    toast(
        {
            "request_review": _("Relecture demandée."),
            "validate": _("Section validée."),
            "return": _("Section renvoyée en brouillon."),
            "reopen": _("Section rouverte."),
        }[action]
    )
    if request.form.get("next") == "section":
        return redirect(url_for(".section", project_id=project_id, section_id=s.id))
    return redirect(url_for(".index", project_id=project_id, _anchor=f"section-{s.id}"))
