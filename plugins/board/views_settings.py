"""Board settings (coordinators): columns and WIP limits, labels, task templates."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import abort

from workspace.extensions import db
from workspace.forms.conflicts import check_version
from workspace.permissions import requires
from workspace.web.feedback import toast

from . import setup
from .forms import ColumnForm, LabelForm, TemplateForm
from .lookups import get_column, labels_of
from .models import BoardTemplate, Label
from .operations import BoardError
from .views import bp


def _page(status=200, column_form=None, label_form=None, template_form=None, error=None):
    project = g.project
    templates = db.session.scalars(
        db.select(BoardTemplate)
        .filter_by(source_project_id=project.id)
        .order_by(BoardTemplate.name)
    ).all()
    html = render_template(
        "board/settings.html",
        project=project,
        columns=setup.ensure_columns(project),
        labels=labels_of(project),
        templates=templates,
        column_form=column_form or ColumnForm(formdata=None),
        label_form=label_form or LabelForm(formdata=None),
        template_form=template_form or TemplateForm(formdata=None),
        error=error,
    )
    return html, status


def _done(message):
    db.session.commit()
    toast(message)
    return redirect(url_for("board.settings", project_id=g.project.id))


@bp.route("/settings")
@requires("board.manage")
def settings(project_id: int):
    page = _page()
    db.session.commit()
    return page


@bp.route("/settings/columns", methods=["POST"])
@requires("board.manage")
def add_column(project_id: int):
    form = ColumnForm()
    if not form.validate():
        return _page(400, column_form=form)
    setup.add_column(g.project, current_user, form.name.data, form.wip_limit.data, form.done.data)
    return _done(_("Colonne ajoutée."))


@bp.route("/settings/columns/<int:column_id>", methods=["POST"])
@requires("board.manage")
def update_column(project_id: int, column_id: int):
    column = get_column(project_id, column_id)
    form = ColumnForm()
    if not form.validate():
        return _page(400, error=" ".join(str(e) for es in form.errors.values() for e in es))
    check_version(
        column,
        request.form.get("version"),
        {_("Nom de la colonne"): column.name, _("Limite"): column.wip_limit or ""},
        form=form,
    )
    setup.update_column(column, current_user, form.name.data, form.wip_limit.data, form.done.data)
    return _done(_("Colonne enregistrée."))


@bp.route("/settings/columns/<int:column_id>/shift", methods=["POST"])
@requires("board.manage")
def shift_column(project_id: int, column_id: int):
    column = get_column(project_id, column_id)
    delta = -1 if request.form.get("direction") == "left" else 1
    setup.shift_column(column, current_user, delta)
    return _done(_("Colonnes réordonnées."))


@bp.route("/settings/columns/<int:column_id>/delete", methods=["POST"])
@requires("board.manage")
def delete_column(project_id: int, column_id: int):
    column = get_column(project_id, column_id)
    try:
        setup.delete_column(column, current_user)
    except BoardError as exc:
        db.session.rollback()
        return _page(400, error=str(exc))
    return _done(_("Colonne supprimée."))


@bp.route("/settings/labels", methods=["POST"])
@requires("board.manage")
def add_label(project_id: int):
    form = LabelForm()
    if not form.validate():
        return _page(400, label_form=form)
    try:
        setup.add_label(g.project, current_user, form.name.data.strip(), form.color.data)
    except BoardError as exc:
        db.session.rollback()
        form.name.errors = [str(exc)]
        return _page(400, label_form=form)
    return _done(_("Étiquette créée."))


@bp.route("/settings/labels/<int:label_id>/delete", methods=["POST"])
@requires("board.manage")
def delete_label(project_id: int, label_id: int):
    label = db.session.get(Label, label_id)
    if label is None or label.project_id != project_id:
        abort(404)
    setup.delete_label(label, current_user)
    return _done(_("Étiquette supprimée."))


@bp.route("/settings/templates", methods=["POST"])
@requires("board.manage")
def save_template(project_id: int):
    form = TemplateForm()
    if not form.validate():
        return _page(400, template_form=form)
    setup.save_template(g.project, current_user, form.name.data.strip())
    return _done(_("Modèle de tâches enregistré."))


@bp.route("/settings/templates/<int:template_id>/delete", methods=["POST"])
@requires("board.manage")
def delete_template(project_id: int, template_id: int):
    template = db.session.get(BoardTemplate, template_id)
    if template is None or template.source_project_id != project_id:
        abort(404)
    db.session.delete(template)
    return _done(_("Modèle supprimé."))
