"""Milestone pages: list and timeline, detail with its workflow, evidence, calendar feed."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workspace.cache import fragments
from workspace.extensions import db, htmx
from workspace.forms.conflicts import check_version
from workspace.forms.submissions import once_per_submission
from workspace.permissions import require, requires
from workspace.web.feedback import toast
from workspace.web.uploads import UploadError

from . import operations as ops
from .forms import LinkForm, MilestoneForm, ReasonForm, SubmitForm, ValidateForm
from .models import Milestone, MilestoneEvidence
from .timeline import build_timeline
from .workflow import ACTIONS, allowed

bp = Blueprint("milestones", __name__, template_folder="templates")


def _milestone(project_id: int, milestone_id: int) -> Milestone:
    m = db.session.get(Milestone, milestone_id)
    if m is None or m.project_id != project_id:
        abort(404)
    return m


def project_milestones(project_id: int) -> list[Milestone]:
    return list(
        db.session.scalars(
            db.select(Milestone)
            .filter_by(project_id=project_id)
            .order_by(Milestone.planned_date.is_(None), Milestone.planned_date, Milestone.id)
        )
    )


def _list_context(project) -> dict:
    milestones = project_milestones(project.id)
    today = date.today()
    return {
        "project": project,
        "milestones": milestones,
        "today": today,
        "timeline": build_timeline(project, milestones, today),
    }


@bp.route("/")
@requires("milestones.view")
def index(project_id: int):
    return render_template("milestones/index.html", body=_list_html(g.project))


@bp.route("/list")
@requires("milestones.view")
def list_fragment(project_id: int):
    """The timeline and the list, refetched live when any milestone changes."""
    return _list_html(g.project)


def _list_html(project):
    """The timeline and the list, reused while the project's data is unchanged."""
    return fragments.page_body(
        "milestones",
        project,
        lambda: render_template("milestones/_list.html", **_list_context(project)),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("milestones.edit")
@once_per_submission("milestones.index")
def create(project_id: int):
    form = MilestoneForm()
    if form.validate_on_submit():
        m = ops.create_milestone(g.project, current_user, **form.values())
        db.session.commit()
        toast(_("Jalon créé."))
        return redirect(url_for(".detail", project_id=project_id, milestone_id=m.id))
    status = 400 if form.errors else 200
    return render_template("milestones/form.html", form=form, milestone=None), status


@bp.route("/<int:milestone_id>/edit", methods=["GET", "POST"])
@requires("milestones.edit")
def edit(project_id: int, milestone_id: int):
    m = _milestone(project_id, milestone_id)
    if not allowed("edit", m.status):
        abort(409, _("Un jalon validé est verrouillé : un conseiller doit d'abord le rouvrir."))
    form = MilestoneForm(obj=m)
    if request.method == "GET":
        form.area.data, form.closes_stage.data = m.area or "", m.closes_stage or ""
    if form.validate_on_submit():
        check_version(m, request.form.get("version"), {_("Titre"): m.title}, form=form)
        ops.update_milestone(m, current_user, **form.values())
        db.session.commit()
        toast(_("Jalon enregistré."))
        return redirect(url_for(".detail", project_id=project_id, milestone_id=m.id))
    status = 400 if form.errors else 200
    return render_template("milestones/form.html", form=form, milestone=m), status


@bp.route("/<int:milestone_id>/delete", methods=["POST"])
@requires("milestones.edit")
def delete(project_id: int, milestone_id: int):
    m = _milestone(project_id, milestone_id)
    try:
        ops.delete_milestone(m, current_user)
    except ops.WrongState as exc:
        abort(409, str(exc))
    db.session.commit()
    toast(_("Jalon supprimé."))
    return redirect(url_for(".index", project_id=project_id))


@bp.route("/<int:milestone_id>")
@requires("milestones.view")
def detail(project_id: int, milestone_id: int):
    m = _milestone(project_id, milestone_id)
    return render_template("milestones/detail.html", **_panel_context(m))


@bp.route("/<int:milestone_id>/panel")
@requires("milestones.view")
def panel(project_id: int, milestone_id: int):
    m = _milestone(project_id, milestone_id)
    return render_template("milestones/_panel.html", **_panel_context(m))


def _panel_context(m: Milestone, **forms) -> dict:
    ctx = {
        "project": g.project,
        "m": m,
        "today": date.today(),
        "allowed": allowed,
        "submit_form": SubmitForm(formdata=None),
        "validate_form": ValidateForm(formdata=None),
        "return_form": ReasonForm(formdata=None, prefix="return"),
        "reopen_form": ReasonForm(formdata=None, prefix="reopen"),
        "link_form": LinkForm(formdata=None),
        "upload_error": None,
    }
    ctx.update(forms)
    return ctx


def _respond(m: Milestone, message: str | None = None, status: int = 200, **forms):
    """After an action: the refreshed panel for htmx, a redirect (or the page on error)."""
    if status < 400:
        db.session.commit()
        if message:
            toast(message)
        if not htmx:
            return redirect(url_for(".detail", project_id=m.project_id, milestone_id=m.id))
    else:
        db.session.rollback()
    template = "milestones/_panel.html" if htmx else "milestones/detail.html"
    return render_template(template, **_panel_context(m, **forms)), status


ACTION_FORMS = {
    "submit": (lambda: SubmitForm(), "submit_form", "message"),
    "validate": (lambda: ValidateForm(), "validate_form", "reason"),
    "return": (lambda: ReasonForm(prefix="return"), "return_form", "reason"),
    "reopen": (lambda: ReasonForm(prefix="reopen"), "reopen_form", "reason"),
}
DONE = {
    "submit": _l("Jalon soumis au conseiller."),
    "validate": _l("Jalon validé."),
    "return": _l("Jalon renvoyé à reprendre."),
    "reopen": _l("Jalon rouvert."),
}


@bp.route("/<int:milestone_id>/<any(submit, validate, return, reopen):action>", methods=["POST"])
@requires("milestones.view")
def act(project_id: int, milestone_id: int, action: str):
    """One workflow step; the permission depends on the action (see workflow.ACTIONS)."""
    require(current_user, g.project, ACTIONS[action].permission)
    m = _milestone(project_id, milestone_id)
    if not allowed(action, m.status):
        abort(409, _("Action impossible : le jalon est « %(s)s ».", s=m.status_enum.label))
    make, name, field = ACTION_FORMS[action]
    form = make()
    if not form.validate_on_submit():
        return _respond(m, status=400, **{name: form})
    step = {
        "submit": ops.submit,
        "validate": ops.validate,
        "return": ops.send_back,
        "reopen": ops.reopen,
    }[action]
    try:
        step(m, current_user, getattr(form, field).data)
    except ops.InvalidInput as exc:
        getattr(form, field).errors = [str(exc)]
        return _respond(m, status=400, **{name: form})
    return _respond(m, DONE[action])


@bp.route("/<int:milestone_id>/evidence", methods=["POST"])
@requires("milestones.edit")
def add_evidence(project_id: int, milestone_id: int):
    m = _milestone(project_id, milestone_id)
    if not allowed("evidence", m.status):
        abort(409, _("Un jalon validé est verrouillé : un conseiller doit d'abord le rouvrir."))
    if request.form.get("kind") == "link":
        form = LinkForm()
        if not form.validate_on_submit():
            return _respond(m, status=400, link_form=form)
        ops.add_link(m, current_user, form.url.data, form.label.data or "")
        return _respond(m, _("Lien ajouté."))
    try:
        ev = ops.add_file(m, current_user, request.files.get("file"))
    except UploadError as exc:
        return _respond(m, status=400, upload_error=str(exc))
    return _respond(m, _("Document « %(name)s » joint.", name=ev.name))


@bp.route("/<int:milestone_id>/evidence/<int:evidence_id>/delete", methods=["POST"])
@requires("milestones.edit")
def remove_evidence(project_id: int, milestone_id: int, evidence_id: int):
    m = _milestone(project_id, milestone_id)
    ev = db.session.get(MilestoneEvidence, evidence_id)
    if ev is None or ev.milestone_id != m.id:
        abort(404)
    if not allowed("evidence", m.status):
        abort(409, _("Un jalon validé est verrouillé : un conseiller doit d'abord le rouvrir."))
    ops.remove_evidence(m, current_user, ev)
    return _respond(m, _("Pièce retirée."))


@bp.route("/calendar", methods=["GET", "POST"])
@requires("milestones.calendar")
def calendar(project_id: int):
    """The private iCalendar address: create (shown once), replace or revoke."""
    token = None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            ops.revoke_calendar_token(g.project, current_user)
            toast(_("Adresse d'agenda révoquée."))
        else:
            token = ops.create_calendar_token(g.project, current_user)
            toast(_("Nouvelle adresse d'agenda créée."))
        db.session.commit()
    feed_url = url_for("milestones_public.feed", token=token, _external=True) if token else None
    return render_template(
        "milestones/calendar.html",
        project=g.project,
        active=ops.active_token(g.project),
        feed_url=feed_url,
    )
