"""Task views: detail panel, create, edit, move, archive, restore, delete, sub-items."""

from __future__ import annotations

from flask import g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user
from werkzeug.exceptions import abort

from workspace.extensions import db, htmx
from workspace.forms.conflicts import check_version
from workspace.permissions import requires
from workspace.web.errors import error_response, wants_json
from workspace.web.feedback import toast

from . import operations as ops
from .forms import MoveForm, QuickTaskForm, SubItemForm, TaskForm
from .lookups import get_column, get_task, members
from .models import SubItem
from .panel import render_panel, task_form
from .setup import ensure_columns
from .views import bp


def _panel(project, task, form=None, status=200):
    html = render_panel(project, task, form)
    headers = {"HX-Retarget": "#dialogs", "HX-Reswap": "innerHTML"} if htmx else {}
    return html, status, headers


def _fields(form: TaskForm, project) -> dict:
    by_id = {u.id: u for u in members(project)}
    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "area": form.area.data or None,
        "organisation_id": form.organisation_id.data,
        "assignees": [by_id[i] for i in form.assignees.data or []],
        "labels": ops.labels_by_id(project, form.labels.data or []),
        "priority": form.priority.data,
        "start_date": form.start_date.data,
        "due_date": form.due_date.data,
        "milestone_id": form.milestone_id.data,
    }


def _back(project):
    return redirect(url_for("board.index", project_id=project.id))


@bp.route("/tasks/<int:task_id>")
@requires("board.view")
def panel(project_id: int, task_id: int):
    project = g.project
    task = get_task(project_id, task_id)
    if not htmx:
        return redirect(url_for("board.index", project_id=project.id, task=task.id))
    return _panel(project, task)


@bp.route("/tasks/new")
@requires("board.edit")
def new(project_id: int):
    project = g.project
    ensure_columns(project)
    form = task_form(project)
    form.column_id.data = request.args.get("column", type=int)
    return render_template("board/_new.html", project=project, form=form)


@bp.route("/tasks", methods=["POST"])
@requires("board.edit")
def create(project_id: int):
    project = g.project
    ensure_columns(project)
    quick = "quick" in request.form
    form = QuickTaskForm() if quick else task_form(project, formdata=request.form)
    column_id = request.form.get("column_id", type=int)
    column = get_column(project_id, column_id)
    if not form.validate():
        if quick:
            return error_response(400, "; ".join(str(e) for e in form.title.errors))
        return render_template("board/_new.html", project=project, form=form), 400
    fields = {} if quick else _fields(form, project)
    fields.pop("title", None)
    try:
        task = ops.create_task(project, current_user, column, title=form.title.data, **fields)
    except ops.BoardError as exc:
        db.session.rollback()
        return error_response(400, str(exc))
    db.session.commit()
    toast(_("Tâche « %(title)s » créée.", title=task.title))
    if quick and htmx:
        return "", 204
    if quick:  # the quick-add form sent before htmx was ready (or without JavaScript)
        return _back(project)
    if htmx:
        return _panel(project, task)
    return redirect(url_for("board.index", project_id=project.id, task=task.id))


@bp.route("/tasks/<int:task_id>", methods=["POST"])
@requires("board.edit")
def update(project_id: int, task_id: int):
    project = g.project
    task = get_task(project_id, task_id)
    form = task_form(project, task, formdata=request.form)
    if not form.validate():
        return _panel(project, task, form, 400)
    check_version(
        task,
        request.form.get("version"),
        {
            _("Titre"): task.title,
            _("Description"): task.description,
            _("Échéance"): task.due_date.strftime("%d/%m/%Y") if task.due_date else "",
        },
        form=form,
    )
    try:
        ops.update_task(task, current_user, **_fields(form, project))
    except ops.BoardError as exc:
        db.session.rollback()
        return error_response(400, str(exc))
    db.session.commit()
    toast(_("Tâche enregistrée."))
    if htmx:
        return _panel(project, task)
    return redirect(url_for("board.index", project_id=project.id, task=task.id))


@bp.route("/tasks/<int:task_id>/move", methods=["POST"])
@requires("board.edit")
def move(project_id: int, task_id: int):
    task = get_task(project_id, task_id)
    form = MoveForm()
    if not form.validate():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return error_response(400, " ".join(errors))
    column = get_column(project_id, form.column_id.data)
    position = form.position.data
    try:
        if position is None:  # "at the end"
            position = len(ops.Order(column.id)) - (1 if task.column_id == column.id else 0)
        ops.move_task(task, current_user, column, position, confirm=form.confirm.data)
    except ops.WipExceeded as exc:
        db.session.rollback()
        return _wip_confirm(task, column, position, str(exc))
    except ops.BoardError as exc:
        db.session.rollback()
        return error_response(400, str(exc))
    db.session.commit()
    if wants_json():
        return jsonify({"ok": True, "column": column.id, "position": task.position})
    if htmx:
        return "", 204
    return _back(task.project)


def _wip_confirm(task, column, position, message):
    if wants_json():
        body = {"error": {"code": 409, "message": message, "fields": {}}, "confirm": True}
        return jsonify(body), 409
    html = render_template(
        "board/_wip_confirm.html", task=task, column=column, position=position, message=message
    )
    headers = {"HX-Retarget": "#dialogs", "HX-Reswap": "innerHTML"} if htmx else {}
    return html, 409, headers


def _state_change(project_id, task_id, action, message):
    """Archive or restore; htmx gets the updated panel."""
    task = get_task(project_id, task_id)
    project = task.project
    action(task, current_user)
    db.session.commit()
    toast(message)
    if htmx:
        return _panel(project, task)
    if request.form.get("next") == "archive" or action is ops.restore_task:
        return redirect(url_for("board.archive", project_id=project.id))
    return _back(project)


@bp.route("/tasks/<int:task_id>/archive", methods=["POST"])
@requires("board.edit")
def archive_task(project_id: int, task_id: int):
    task = get_task(project_id, task_id)
    if task.archived:
        return error_response(400, _("Cette tâche est déjà archivée."))
    return _state_change(project_id, task_id, ops.archive_task, _("Tâche archivée."))


@bp.route("/tasks/<int:task_id>/restore", methods=["POST"])
@requires("board.edit")
def restore_task(project_id: int, task_id: int):
    task = get_task(project_id, task_id)
    if not task.archived:
        return error_response(400, _("Cette tâche n'est pas archivée."))
    return _state_change(project_id, task_id, ops.restore_task, _("Tâche restaurée."))


@bp.route("/tasks/<int:task_id>/delete", methods=["POST"])
@requires("board.manage")
def delete_task(project_id: int, task_id: int):
    """To the trash, with « Annuler » on the toast; the trash's expired tasks go for good."""
    from .trash import purge_trash

    task = get_task(project_id, task_id)
    ops.delete_task(task, current_user)
    purge_trash(project_id)
    db.session.commit()
    undo = url_for("board.undelete", project_id=project_id, task_id=task.id)
    toast(
        _("Tâche mise à la corbeille (%(days)d jours pour la restaurer).", days=ops.TRASH_DAYS),
        action={"label": pgettext("undo an action", "Annuler"), "url": undo},
    )
    if htmx:  # the task's panel closes (board.js), wherever it was rendered
        return "", 200, {"HX-Reswap": "none", "HX-Trigger": '{"coop:panel-close": true}'}
    return _back(g.project)


def _subitem(project_id: int, task_id: int, item_id: int) -> SubItem:
    task = get_task(project_id, task_id)
    item = db.session.get(SubItem, item_id)
    if item is None or item.task_id != task.id:
        abort(404)
    return item


def _subitems_fragment(task, status=200, error=None):
    html = render_template(
        "board/_subitems.html", task=task, project=task.project, form=SubItemForm(), error=error
    )
    return html, status


@bp.route("/tasks/<int:task_id>/subitems", methods=["POST"])
@requires("board.edit")
def add_subitem(project_id: int, task_id: int):
    task = get_task(project_id, task_id)
    form = SubItemForm()
    if not form.validate():
        return _subitems_fragment(task, 400, "; ".join(str(e) for e in form.title.errors))
    ops.add_subitem(task, current_user, form.title.data.strip())
    db.session.commit()
    return _subitems_fragment(task)


@bp.route("/tasks/<int:task_id>/subitems/<int:item_id>/toggle", methods=["POST"])
@requires("board.edit")
def toggle_subitem(project_id: int, task_id: int, item_id: int):
    item = _subitem(project_id, task_id, item_id)
    ops.toggle_subitem(item, current_user, request.form.get("done") == "1")
    db.session.commit()
    return _subitems_fragment(item.task)


@bp.route("/tasks/<int:task_id>/subitems/<int:item_id>/delete", methods=["POST"])
@requires("board.edit")
def delete_subitem(project_id: int, task_id: int, item_id: int):
    item = _subitem(project_id, task_id, item_id)
    task = item.task
    ops.delete_subitem(item, current_user)
    db.session.commit()
    return _subitems_fragment(task)
