"""Checklist changes: thin views that parse, check, call an operation and commit once."""

from __future__ import annotations

import json

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workspace.extensions import db, htmx
from workspace.forms.conflicts import check_version
from workspace.permissions import requires
from workspace.web.feedback import toast
from workspace.web.uploads import UploadError, store_upload

from . import operations, queries
from .models import Status
from .views import (
    _item_or_404,
    bp,
    dialog_context,
    item_form,
    perms,
    render_page,
    render_progress,
    render_row,
)

SAVED = "checklists:saved"


def _done(project, item, message: str, *, retarget: bool = False):
    """After a change of one's own: the fresh row (and progress), a toast, dialogs closed."""
    if not htmx:
        return redirect(
            url_for("checklists.index", project_id=project.id, area=item.section.area)
            + f"#item-{item.id}"
        )
    toast(message)
    headers = {"HX-Trigger": json.dumps({SAVED: {"item": item.id}})}
    if retarget:
        headers |= {"HX-Retarget": f"#item-{item.id}", "HX-Reswap": "outerHTML"}
    return render_row(project, item, with_progress=True), 200, headers


def _status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return value


def _current(item) -> dict:
    return {
        _("Intitulé"): item.label,
        _("Statut"): item.status_enum.label,
        _("Justification"): item.justification,
        _("Note"): item.note,
    }


@bp.route("/template", methods=["POST"])
@requires("checklists.edit")
def choose_template(project_id: int):
    try:
        operations.apply_template(g.project, current_user, request.form.get("template", ""))
    except operations.ChecklistError as exc:
        db.session.rollback()
        abort(400, str(exc))
    db.session.commit()
    toast(_("Les checklists ont été créées."))
    target = url_for("checklists.index", project_id=project_id)
    if htmx:
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


def _oob_row(project, item) -> str:
    return render_row(project, item).replace("<li ", '<li hx-swap-oob="true" ', 1)


def _justify_dialog(project, item, message: str):
    """400: ask for the justification of "non applicable" (and reset the row's select)."""
    html = render_template(
        "checklists/_justify_dialog.html", project=project, item=item, error=message
    )
    if not htmx:
        return render_page(project, item.section.area, status=400)[0], 400
    html += _oob_row(project, item)
    return html, 400, {"HX-Retarget": "#dialogs", "HX-Reswap": "innerHTML"}


@bp.route("/items/<int:item_id>/status", methods=["POST"])
@requires("checklists.edit")
def status(project_id: int, item_id: int):
    """Quick status change from the list (``non_applicable`` needs a justification)."""
    item = _item_or_404(project_id, item_id)
    value, justification = request.form.get("status", ""), request.form.get("justification", "")
    check_version(
        item,
        request.form.get("version"),
        _current(item),
        mine={_("Statut"): _status_label(value), _("Justification"): justification},
    )
    try:
        operations.check_status(value, justification)
    except operations.ChecklistError as exc:
        db.session.rollback()
        if value == Status.NON_APPLICABLE.value:
            return _justify_dialog(g.project, item, str(exc))
        abort(400, str(exc))
    operations.set_status(item, current_user, value, justification)
    db.session.commit()
    return _done(g.project, item, _("Statut enregistré."), retarget=True)


def _form_fields(form) -> dict:
    return {
        "label": form.label.data.strip(),
        "help": (form.help.data or "").strip(),
        "responsible_org_id": form.responsible_org_id.data,
        "responsible_id": form.responsible_id.data,
        "due_date": form.due_date.data,
        "evidence_url": form.evidence_url.data or "",
        "note": (form.note.data or "").strip(),
        "milestone_id": form.milestone_id.data,
        "agreement": bool(form.agreement.data),
    }


def _store_evidence(item, form) -> bool:
    """Store the uploaded document, if any; False (with the field's error) when refused."""
    upload = request.files.get(form.evidence_file.name)
    if upload is not None and upload.filename:
        try:
            operations.attach_file(item, store_upload(g.project, upload, current_user))
        except UploadError as exc:
            form.evidence_file.errors = [str(exc)]
            return False
    elif form.remove_file.data:
        item.evidence_file_id, item.evidence_file = None, None
    return True


def _invalid(project, item, form):
    db.session.rollback()
    if not htmx:
        return render_page(project, item.section.area, open_item=item, status=400)
    return render_template(
        "checklists/_item_dialog.html", **dialog_context(project, item, form)
    ), 400


@bp.route("/items/<int:item_id>", methods=["POST"])
@requires("checklists.edit")
def edit(project_id: int, item_id: int):
    item = _item_or_404(project_id, item_id)
    form = item_form(g.project, item)
    if not form.validate_on_submit():
        return _invalid(g.project, item, form)
    check_version(item, request.form.get("version"), _current(item), form=form)
    if not _store_evidence(item, form):
        return _invalid(g.project, item, form)
    try:
        operations.update_item(
            item,
            current_user,
            status=form.status.data,
            justification=form.justification.data or "",
            **_form_fields(form),
        )
    except operations.ChecklistError as exc:
        form.status.errors = [str(exc)]
        return _invalid(g.project, item, form)
    db.session.commit()
    return _done(g.project, item, _("Élément enregistré."), retarget=True)


@bp.route("/sections/<int:section_id>/new", methods=["GET", "POST"])
@requires("checklists.edit")
def new_item(project_id: int, section_id: int):
    section = queries.section_in(project_id, section_id)
    if section is None:
        abort(404)
    form = item_form(g.project)
    ctx = {"project": g.project, "section": section, "form": form, **perms(g.project)}
    if request.method == "GET" or not form.validate_on_submit():
        code = 400 if form.errors else 200
        return render_template("checklists/_new_dialog.html", **ctx), code
    value, justification = operations.check_status(form.status.data, form.justification.data)
    item = operations.add_item(
        section,
        current_user,
        status=value.value,
        justification=justification,
        **_form_fields(form),
    )
    if not _store_evidence(item, form):
        db.session.rollback()
        return render_template("checklists/_new_dialog.html", **ctx), 400
    db.session.commit()
    if not htmx:
        return redirect(url_for("checklists.index", project_id=project_id, area=section.area))
    toast(_("Élément ajouté."))
    return _section_response(g.project, section, {SAVED: {"item": item.id}})


def _section_response(project, section, trigger: dict):
    html = render_template(
        "checklists/_section_items.html",
        project=project,
        section=section,
        counts={},
        statuses=list(Status),
        **perms(project),
    )
    headers = {
        "HX-Trigger": json.dumps(trigger),
        "HX-Retarget": f"#cl-section-items-{section.id}",
        "HX-Reswap": "outerHTML",
    }
    return html + render_progress(project), 200, headers


@bp.route("/items/<int:item_id>/move", methods=["POST"])
@requires("checklists.edit")
def move(project_id: int, item_id: int):
    item = _item_or_404(project_id, item_id)
    direction = request.form.get("direction", "")
    if direction not in ("up", "down"):
        abort(400, _("Direction inconnue."))
    operations.move_item(item, current_user, direction)
    db.session.commit()
    if not htmx:
        return redirect(url_for("checklists.index", project_id=project_id, area=item.section.area))
    trigger = {"checklists:moved": {"item": item.id, "direction": direction}}
    return _section_response(g.project, item.section, trigger)


@bp.route("/items/<int:item_id>/delete", methods=["POST"])
@requires("checklists.edit")
def delete(project_id: int, item_id: int):
    item = _item_or_404(project_id, item_id)
    section = item.section
    operations.delete_item(item, current_user)
    db.session.commit()
    if not htmx:
        return redirect(url_for("checklists.index", project_id=project_id, area=section.area))
    toast(_("Élément retiré de la checklist."))
    return _section_response(g.project, section, {SAVED: {"item": item_id}})


@bp.route("/items/<int:item_id>/verify", methods=["POST"])
@requires("checklists.verify")
def verify(project_id: int, item_id: int):
    """Set (``verified=1``) or clear (``verified=0``) "vérifié par le Pôle"."""
    item = _item_or_404(project_id, item_id)
    flag = request.form.get("verified", "")
    if flag not in ("0", "1"):
        abort(400, _("Valeur de vérification invalide."))
    operations.set_verified(item, current_user, flag == "1")
    db.session.commit()
    word = _("Marqué comme vérifié.") if flag == "1" else _("Vérification retirée.")
    if htmx and request.form.get("from") == "dialog":
        toast(word)
        html = render_template("checklists/_item_dialog.html", **dialog_context(g.project, item))
        return html + _oob_row(g.project, item)
    return _done(g.project, item, word, retarget=True)
