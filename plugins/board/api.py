"""Board resources of the REST API: columns and tasks (CRUD, move, archive, restore).

Every change goes through the same operations as the pages (WIP limits, locked positions,
assignee rules, events); this module only translates JSON to their arguments.
"""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from workspace.api.base import ApiBlueprint, get_or_404, invalid, refused
from workspace.api.errors import ApiError
from workspace.api.pages import CursorArgs
from workspace.api.schemas import (
    ApiSchema,
    Bool,
    Choice,
    Day,
    Ids,
    Int,
    Moment,
    Text,
    body,
    files_field,
)
from workspace.extensions import db
from workspace.models import Area, Membership, User
from workspace.plugins import call_hook

from . import operations as ops
from .models import DESCRIPTION_MAX, TITLE_MAX, BoardColumn, Priority, Task

api_bp = ApiBlueprint("board_api", __name__, tag="board")


class TaskSchema(ApiSchema):
    """A task (card) of the board."""

    id = Int(dump_only=True)
    column_id = Int(required=True)
    position = Int(dump_only=True, minimum=0)
    title = Text(required=True, max_length=TITLE_MAX)
    description = Text(max_length=DESCRIPTION_MAX)
    area = Choice(Area, allow_none=True)
    organisation_id = Int(allow_none=True)
    assignee_ids = Ids(source=lambda t: [u.id for u in t.assignees])
    label_ids = Ids(source=lambda t: [lb.id for lb in t.labels])
    priority = Choice(Priority)
    start_date = Day(allow_none=True)
    due_date = Day(allow_none=True)
    milestone_id = Int(allow_none=True)
    files = files_field(lambda t: t.files, "Documents attached in the task's panel")
    archived = Bool(dump_only=True)
    version = Int(dump_only=True)
    created_at = Moment(dump_only=True)
    updated_at = Moment(dump_only=True)


class TaskFilters(CursorArgs):
    column_id = Int()
    assignee_id = Int()
    area = Choice(Area)
    milestone_id = Int()
    archived = Bool(description="Archived tasks (default false)")


TaskMove = body(
    "TaskMove",
    {
        "column_id": Int(required=True),
        "position": Int(minimum=0, maximum=10_000, description="0-based; end if absent"),
        "confirm": Bool(description="Go over the column's WIP limit"),
    },
)


# --- tasks ------------------------------------------------------------------------------------


def _tasks(stmt, args, **url):
    """Not in the trash, open unless asked; their people, labels and files in three queries."""
    stmt = stmt.filter_by(archived=args.get("archived", False), deleted_at=None).options(
        selectinload(Task.assignees), selectinload(Task.labels), selectinload(Task.files)
    )
    if "assignee_id" in args:
        stmt = stmt.where(Task.assignees.any(User.id == args["assignee_id"]))
    return stmt


api_bp.listing(
    "/tasks",
    Task,
    TaskSchema,
    permission="board.view",
    summary="Tasks, filtered",
    endpoint="tasks",
    filters=TaskFilters,
    where=_tasks,
)


def _column(project_id: int, column_id: int) -> BoardColumn:
    col = db.session.get(BoardColumn, column_id)
    if col is None or col.project_id != project_id:
        invalid({"column_id": _("Cette colonne n'appartient pas au projet.")})
    return col


def _task(project_id: int, task_id: int) -> Task:
    """The task of this project, 404 if it is another project's or in the trash."""
    task = get_or_404(Task, task_id, project_id)
    if task.deleted_at is not None:
        raise ApiError(404)
    return task


api_bp.read(
    "/tasks/<int:task_id>",
    _task,
    TaskSchema,
    permission="board.view",
    summary="One task",
    endpoint="task",
)


def _fields(project, data: dict, current: Task | None = None) -> dict:
    """Turn ids into the objects the operations expect; refuse what the form would refuse."""
    out = {k: v for k, v in data.items() if k not in ("column_id", "assignee_ids", "label_ids")}
    errors = {}
    if data.get("organisation_id") is not None and data["organisation_id"] not in {
        o.id for o in project.partners
    }:
        errors["organisation_id"] = _("Organisation inconnue ou non partenaire.")
    if "assignee_ids" in data:
        users = db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.project_id == project.id, User.id.in_(data["assignee_ids"]))
        ).all()
        if len(users) != len(data["assignee_ids"]):
            errors["assignee_ids"] = _("Une personne assignée n'est pas membre du projet.")
        else:
            try:
                already = {u.id for u in current.assignees} if current else set()
                ops.check_assignees(project, users, already=already)
            except ops.BoardError as exc:
                errors["assignee_ids"] = str(exc)
        out["assignees"] = list(users)
    if "label_ids" in data:
        try:
            out["labels"] = ops.labels_by_id(project, data["label_ids"])
        except ops.BoardError as exc:
            errors["label_ids"] = str(exc)
    if data.get("milestone_id") is not None:
        known = {c[0] for cs in call_hook("milestone_choices", project=project) for c in cs}
        if data["milestone_id"] not in known:
            errors["milestone_id"] = _("Jalon inconnu.")
    start = data.get("start_date", current.start_date if current else None)
    due = data.get("due_date", current.due_date if current else None)
    if start and due and due < start:
        errors["due_date"] = _("L'échéance ne peut pas précéder le début.")
    if errors:
        invalid(errors)
    return out


@api_bp.create("/tasks", TaskSchema, permission="board.edit")
def create_task(data, project_id: int):
    """Create a task at the end of a column"""
    project = g.project
    col = _column(project_id, data["column_id"])
    fields = _fields(project, data)
    title = fields.pop("title")
    with refused(ops.BoardError):
        return ops.create_task(project, current_user, col, title=title, **fields)


@api_bp.update("/tasks/<int:task_id>", _task, TaskSchema, permission="board.edit")
def update_task(data, current: Task):
    """Edit a task (not its place: see move)"""
    if "column_id" in data and data["column_id"] != current.column_id:
        invalid({"column_id": _("Pour changer de colonne, utilisez l'action « move ».")})
    with refused(ops.BoardError):
        ops.update_task(current, current_user, **_fields(current.project, data, current))


@api_bp.operation(
    "/tasks/<int:task_id>/move",
    "POST",
    permission="board.edit",
    body=TaskMove,
    response=TaskSchema,
)
def move_task(data, project_id: int, task_id: int):
    """Move a task to a column and position (WIP limit: 409 unless confirm)"""
    current = _task(project_id, task_id)
    col = _column(project_id, data["column_id"])
    position = data.get("position")
    with refused(ops.BoardError), refused(ops.WipExceeded, 409):  # the inner one first
        if position is None:
            position = len(ops.Order(col.id)) - (1 if current.column_id == col.id else 0)
        ops.move_task(current, current_user, col, position, confirm=data.get("confirm", False))
    db.session.commit()
    return current


def _state(project_id: int, task_id: int, action, archived_before: bool):
    current = _task(project_id, task_id)
    if current.archived != archived_before:
        msg = (
            _("Cette tâche est déjà archivée.")
            if current.archived
            else _("Cette tâche n'est pas archivée.")
        )
        raise ApiError(409, msg)
    action(current, current_user)
    db.session.commit()
    return current


@api_bp.operation(
    "/tasks/<int:task_id>/archive", "POST", permission="board.edit", response=TaskSchema
)
def archive_task(project_id: int, task_id: int):
    """Archive a task"""
    return _state(project_id, task_id, ops.archive_task, False)


@api_bp.operation(
    "/tasks/<int:task_id>/restore", "POST", permission="board.edit", response=TaskSchema
)
def restore_task(project_id: int, task_id: int):
    """Restore an archived task"""
    return _state(project_id, task_id, ops.restore_task, True)


@api_bp.operation("/tasks/<int:task_id>", "DELETE", permission="board.manage", status=204)
def delete_task(project_id: int, task_id: int):
    """Delete a task for good (coordinators)"""
    ops.delete_task(_task(project_id, task_id), current_user)
    db.session.commit()
