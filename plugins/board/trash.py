"""The board's trash: deleted tasks stay restorable for TRASH_DAYS days, then are deleted for
good (on the next deletion in the project, or ``flask board purge-trash`` for every project)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from workspace.extensions import db, htmx
from workspace.models import utcnow
from workspace.permissions import requires
from workspace.web.errors import error_response
from workspace.web.feedback import toast

from .models import Task
from .operations import TRASH_DAYS, restore_task
from .views import bp


def undelete_task(task: Task, actor) -> None:
    """Take a task out of the trash, back on the board at the end of its column."""
    task.deleted_at = None
    task.deleted_by_id = None
    restore_task(
        task, actor, _l("a sorti la tâche « %(title)s » de la corbeille", title=task.title)
    )


def purge_trash(project_id: int | None = None, now: datetime | None = None) -> int:
    """Delete for good the tasks in the trash for more than :data:`TRASH_DAYS` days (of one
    project, or all); the activity log keeps their titles. Returns how many."""
    stmt = select(Task).where(Task.deleted_at.is_not(None), Task.deleted_at < _limit(now))
    if project_id is not None:
        stmt = stmt.where(Task.project_id == project_id)
    old = list(db.session.scalars(stmt))
    for task in old:
        db.session.delete(task)
    db.session.flush()
    return len(old)


def _limit(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=TRASH_DAYS)


def trashed(project_id: int, task_id: int) -> Task | None:
    """The task of this project if it is in the trash (and not yet past its days)."""
    task = db.session.get(Task, task_id)
    if task is None or task.project_id != project_id or task.deleted_at is None:
        return None
    return task if task.deleted_at >= _limit() else None


@bp.route("/trash")
@requires("board.view")
def trash(project_id: int):
    tasks = db.session.scalars(
        select(Task)
        .where(
            Task.project_id == project_id,
            Task.deleted_at.is_not(None),
            Task.deleted_at >= _limit(),
        )
        .order_by(Task.deleted_at.desc())
    ).all()
    return render_template(
        "board/trash.html", project=g.project, tasks=tasks, days=TRASH_DAYS, limit=_limit()
    )


@bp.route("/tasks/<int:task_id>/undelete", methods=["POST"])
@requires("board.manage")
def undelete(project_id: int, task_id: int):
    task = trashed(project_id, task_id)
    if task is None:
        return error_response(404, _("Cette tâche n'est plus dans la corbeille."))
    undelete_task(task, current_user)
    db.session.commit()
    toast(_("Tâche « %(title)s » restaurée sur le tableau.", title=task.title))
    if htmx:
        return "", 204
    return redirect(url_for("board.trash", project_id=project_id))
