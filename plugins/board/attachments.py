"""Files attached to a task: the project's upload service (10 MB, PDF / office / images, the
same checks as milestone evidence), refused on an archived task (restore it first)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workspace.extensions import db, htmx
from workspace.permissions import requires
from workspace.web.errors import error_response
from workspace.web.feedback import toast
from workspace.web.uploads import UploadError, store_upload

from . import operations as ops
from .lookups import get_task
from .models import Task, TaskFile
from .views import bp


def add_file(task: Task, actor, file_storage) -> TaskFile:
    """Store and attach one file (UploadError: a refused file; BoardError: archived task)."""
    _check_open(task)
    stored = store_upload(task.project, file_storage, actor)
    attached = TaskFile(task=task, file_id=stored.id, added_by_id=actor.id)
    db.session.add(attached)
    db.session.flush()
    db.session.refresh(attached, ["file"])
    ops.touched(
        task,
        actor,
        _l("a joint « %(name)s » à « %(title)s »", name=attached.name, title=task.title),
    )
    return attached


def remove_file(task: Task, actor, attached: TaskFile) -> None:
    _check_open(task)
    name = attached.name
    task.files.remove(attached)
    ops.touched(
        task, actor, _l("a retiré « %(name)s » de « %(title)s »", name=name, title=task.title)
    )


def _check_open(task: Task) -> None:
    if task.archived:
        raise ops.BoardError(
            _l("Cette tâche est archivée : restaurez-la pour changer ses pièces jointes.")
        )


def _files_fragment(task: Task, status: int = 200, error: str | None = None):
    html = render_template("board/_task_files.html", task=task, project=task.project, error=error)
    return html, status


def _answer(task: Task, status: int = 200, error: str | None = None):
    if htmx:
        return _files_fragment(task, status, error)
    if error:
        toast(error, "error")
    return redirect(url_for("board.index", project_id=task.project_id, task=task.id))


@bp.route("/tasks/<int:task_id>/files", methods=["POST"])
@requires("board.edit")
def upload_file(project_id: int, task_id: int):
    task = get_task(project_id, task_id)
    try:
        attached = add_file(task, current_user, request.files.get("file"))
    except (UploadError, ops.BoardError) as exc:
        db.session.rollback()
        return _answer(get_task(project_id, task_id), 400, str(exc))
    db.session.commit()
    toast(_("« %(name)s » joint à la tâche.", name=attached.name))
    return _answer(task)


@bp.route("/tasks/<int:task_id>/files/<int:file_id>/delete", methods=["POST"])
@requires("board.edit")
def delete_file(project_id: int, task_id: int, file_id: int):
    task = get_task(project_id, task_id)
    attached = db.session.get(TaskFile, file_id)
    if attached is None or attached.task_id != task.id:
        return error_response(404)
    try:
        remove_file(task, current_user, attached)
    except ops.BoardError as exc:
        db.session.rollback()
        return _answer(get_task(project_id, task_id), 400, str(exc))
    db.session.commit()
    toast(_("Pièce jointe retirée."))
    return _answer(task)
