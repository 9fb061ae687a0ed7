"""Finding the board's objects of a project: a task or column of another project is a 404."""

from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import or_

from workspace.extensions import db
from workspace.models import Membership, User
from workspace.permissions import REGISTRY

from .models import BoardColumn, Label, Task


def today() -> date:
    return date.today()


def get_task(project_id: int, task_id: int, options=()) -> Task:
    """The task of this project, or 404 (another project's task, or one in the trash, is not
    found here: only the trash's own routes reach those)."""
    task = db.session.get(Task, task_id, options=options)
    if task is None or task.project_id != project_id or task.deleted_at is not None:
        abort(404)
    return task


def get_column(project_id: int, column_id) -> BoardColumn:
    column = db.session.get(BoardColumn, column_id) if isinstance(column_id, int) else None
    if column is None or column.project_id != project_id:
        abort(404)
    return column


def members(project) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.project_id == project.id)
            .order_by(User.name)
        )
    )


def task_editors_clause():
    """The memberships whose roles hold ``board.edit``: who may be assigned a task."""
    roles = REGISTRY["board.edit"].roles
    clause = Membership.role.in_(sorted(roles - {"coordinator"}))
    return or_(clause, Membership.coordinator.is_(True)) if "coordinator" in roles else clause


def assignable(project, task=None) -> list[User]:
    """Who the task form offers: the members who may edit tasks, plus whoever the task already
    names (an assignment made before a role changed is kept, never silently dropped)."""
    people = {
        u.id: u
        for u in db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.project_id == project.id, task_editors_clause())
        )
    }
    for u in task.assignees if task is not None else ():
        people.setdefault(u.id, u)
    return sorted(people.values(), key=lambda u: u.name)


def labels_of(project) -> list[Label]:
    return list(
        db.session.scalars(db.select(Label).filter_by(project_id=project.id).order_by(Label.name))
    )
