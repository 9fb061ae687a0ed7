"""Board resources of the REST API: columns and tasks (CRUD, move, archive, restore).

Every change goes through the same operations as the pages (WIP limits, locked positions,
assignee rules, events); this module only translates JSON to their arguments.
"""

from __future__ import annotations

from flask import Blueprint, g
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from workspace.api.core import (
    check_if_match,
    endpoint,
    files_field,
    get_or_404,
    item,
    no_content,
    page,
)
from workspace.api.errors import ApiError
from workspace.api.fields import F, Resource
from workspace.extensions import db
from workspace.models import Area, Membership, User
from workspace.plugins import call_hook

from . import operations as ops
from . import setup
from .models import COLUMN_NAME_MAX, DESCRIPTION_MAX, TITLE_MAX, BoardColumn, Priority, Task

api_bp = Blueprint("board_api", __name__)

COLUMN = Resource(
    "BoardColumn",
    {
        "id": F("integer", read_only=True),
        "name": F("string", required=True, max_length=COLUMN_NAME_MAX),
        "position": F("integer", read_only=True, minimum=0),
        "wip_limit": F("integer", nullable=True, minimum=1, maximum=999),
        "done": F("boolean", description="The column of finished tasks"),
        "version": F("integer", read_only=True),
    },
    "A column of the project's board.",
)

TASK = Resource(
    "Task",
    {
        "id": F("integer", read_only=True),
        "column_id": F("integer", required=True),
        "position": F("integer", read_only=True, minimum=0),
        "title": F("string", required=True, max_length=TITLE_MAX),
        "description": F("text", max_length=DESCRIPTION_MAX),
        "area": F("enum", nullable=True, choices=tuple(a.value for a in Area)),
        "organisation_id": F("integer", nullable=True),
        "assignee_ids": F("ids", source=lambda t: [u.id for u in t.assignees]),
        "label_ids": F("ids", source=lambda t: [lb.id for lb in t.labels]),
        "priority": F("enum", choices=tuple(p.value for p in Priority)),
        "start_date": F("date", nullable=True),
        "due_date": F("date", nullable=True),
        "milestone_id": F("integer", nullable=True),
        "files": files_field(lambda t: t.files, "Documents attached in the task's panel"),
        "archived": F("boolean", read_only=True),
        "version": F("integer", read_only=True),
        "created_at": F("datetime", read_only=True),
        "updated_at": F("datetime", read_only=True),
    },
    "A task (card) of the board.",
)

TASK_FILTERS = {
    "column_id": F("integer"),
    "assignee_id": F("integer"),
    "area": TASK.fields["area"],
    "milestone_id": F("integer"),
    "archived": F("boolean", description="Archived tasks (default false)"),
}

MOVE = {
    "column_id": F("integer", required=True),
    "position": F("integer", minimum=0, maximum=10_000, description="0-based; end if absent"),
    "confirm": F("boolean", description="Go over the column's WIP limit"),
}


def _refused(exc: Exception, code: int = 400):
    raise ApiError(code, str(exc)) from None


# --- columns ----------------------------------------------------------------------------------


@endpoint(
    api_bp,
    "/columns",
    summary="Columns of the board",
    tag="board",
    permission="board.view",
    response=COLUMN,
    many=True,
)
def columns(project_id: int, args):
    if not setup.columns_of(g.project) and not g.project.archived:
        setup.ensure_columns(g.project)
        db.session.commit()
    return page(
        db.select(BoardColumn).filter_by(project_id=project_id), BoardColumn.id, args, COLUMN
    )


@endpoint(
    api_bp,
    "/columns",
    "POST",
    summary="Add a column (coordinators)",
    tag="board",
    permission="board.manage",
    body=COLUMN,
    response=COLUMN,
    status=201,
    name="create_column",
)
def create_column(project_id: int, data):
    column = setup.add_column(
        g.project, current_user, data["name"], data.get("wip_limit"), data.get("done", False)
    )
    db.session.commit()
    return item(column, COLUMN, 201)


@endpoint(
    api_bp,
    "/columns/<int:column_id>",
    summary="One column",
    tag="board",
    permission="board.view",
    response=COLUMN,
)
def column(project_id: int, column_id: int):
    return item(get_or_404(BoardColumn, column_id, project_id), COLUMN)


@endpoint(
    api_bp,
    "/columns/<int:column_id>",
    "PATCH",
    summary="Rename a column, change its WIP limit (coordinators)",
    tag="board",
    permission="board.manage",
    body=COLUMN,
    partial=True,
    response=COLUMN,
    if_match=True,
    name="update_column",
)
def update_column(project_id: int, column_id: int, data):
    col = get_or_404(BoardColumn, column_id, project_id)
    check_if_match(col, COLUMN)
    setup.update_column(
        col,
        current_user,
        data.get("name", col.name),
        data.get("wip_limit", col.wip_limit),
        data.get("done", col.done),
    )
    db.session.commit()
    return item(col, COLUMN)


@endpoint(
    api_bp,
    "/columns/<int:column_id>",
    "DELETE",
    summary="Delete an empty column (coordinators)",
    tag="board",
    permission="board.manage",
    status=204,
    name="delete_column",
)
def delete_column(project_id: int, column_id: int):
    col = get_or_404(BoardColumn, column_id, project_id)
    try:
        setup.delete_column(col, current_user)
    except ops.BoardError as exc:
        db.session.rollback()
        _refused(exc, 409)
    db.session.commit()
    return no_content()


# --- tasks ------------------------------------------------------------------------------------


@endpoint(
    api_bp,
    "/tasks",
    summary="Tasks, filtered",
    tag="board",
    permission="board.view",
    response=TASK,
    many=True,
    query=TASK_FILTERS,
)
def tasks(project_id: int, args):
    stmt = (
        db.select(Task)
        .filter_by(project_id=project_id, archived=args.get("archived", False), deleted_at=None)
        .options(selectinload(Task.assignees), selectinload(Task.labels), selectinload(Task.files))
    )
    for name in ("column_id", "area", "milestone_id"):
        if name in args:
            stmt = stmt.where(getattr(Task, name) == args[name])
    if "assignee_id" in args:
        stmt = stmt.where(Task.assignees.any(User.id == args["assignee_id"]))
    return page(stmt, Task.id, args, TASK)


@endpoint(
    api_bp,
    "/tasks/<int:task_id>",
    summary="One task",
    tag="board",
    permission="board.view",
    response=TASK,
)
def task(project_id: int, task_id: int):
    return item(_task(task_id, project_id), TASK)


def _column(project_id: int, column_id: int) -> BoardColumn:
    col = db.session.get(BoardColumn, column_id)
    if col is None or col.project_id != project_id:
        raise ApiError(
            400,
            _("Certaines informations sont invalides."),
            {"column_id": _("Cette colonne n'appartient pas au projet.")},
        )
    return col


def _task(task_id: int, project_id: int) -> Task:
    """The task of this project, 404 if it is another project's or in the trash."""
    task = get_or_404(Task, task_id, project_id)
    if task.deleted_at is not None:
        raise ApiError(404)
    return task


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
        raise ApiError(400, _("Certaines informations sont invalides."), errors)
    return out


@endpoint(
    api_bp,
    "/tasks",
    "POST",
    summary="Create a task at the end of a column",
    tag="board",
    permission="board.edit",
    body=TASK,
    response=TASK,
    status=201,
    name="create_task",
)
def create_task(project_id: int, data):
    project = g.project
    col = _column(project_id, data["column_id"])
    fields = _fields(project, data)
    title = fields.pop("title")
    try:
        new = ops.create_task(project, current_user, col, title=title, **fields)
    except ops.BoardError as exc:
        db.session.rollback()
        _refused(exc)
    db.session.commit()
    return item(new, TASK, 201)


@endpoint(
    api_bp,
    "/tasks/<int:task_id>",
    "PATCH",
    summary="Edit a task (not its place: see move)",
    tag="board",
    permission="board.edit",
    body=TASK,
    partial=True,
    response=TASK,
    if_match=True,
    name="update_task",
)
def update_task(project_id: int, task_id: int, data):
    current = _task(task_id, project_id)
    check_if_match(current, TASK)
    if "column_id" in data and data["column_id"] != current.column_id:
        raise ApiError(
            400,
            _("Certaines informations sont invalides."),
            {"column_id": _("Pour changer de colonne, utilisez l'action « move ».")},
        )
    try:
        ops.update_task(current, current_user, **_fields(g.project, data, current))
    except ops.BoardError as exc:
        db.session.rollback()
        _refused(exc)
    db.session.commit()
    return item(current, TASK)


@endpoint(
    api_bp,
    "/tasks/<int:task_id>/move",
    "POST",
    summary="Move a task to a column and position (WIP limit: 409 unless confirm)",
    tag="board",
    permission="board.edit",
    body_fields=MOVE,
    response=TASK,
    name="move_task",
)
def move_task(project_id: int, task_id: int, data):
    current = _task(task_id, project_id)
    col = _column(project_id, data["column_id"])
    position = data.get("position")
    try:
        if position is None:
            position = len(ops.Order(col.id)) - (1 if current.column_id == col.id else 0)
        ops.move_task(current, current_user, col, position, confirm=data.get("confirm", False))
    except ops.WipExceeded as exc:
        db.session.rollback()
        _refused(exc, 409)
    except ops.BoardError as exc:
        db.session.rollback()
        _refused(exc)
    db.session.commit()
    return item(current, TASK)


def _state(project_id: int, task_id: int, action, archived_before: bool):
    current = _task(task_id, project_id)
    if current.archived != archived_before:
        msg = (
            _("Cette tâche est déjà archivée.")
            if current.archived
            else _("Cette tâche n'est pas archivée.")
        )
        raise ApiError(409, msg)
    action(current, current_user)
    db.session.commit()
    return item(current, TASK)


@endpoint(
    api_bp,
    "/tasks/<int:task_id>/archive",
    "POST",
    summary="Archive a task",
    tag="board",
    permission="board.edit",
    response=TASK,
    name="archive_task",
)
def archive_task(project_id: int, task_id: int):
    return _state(project_id, task_id, ops.archive_task, False)


@endpoint(
    api_bp,
    "/tasks/<int:task_id>/restore",
    "POST",
    summary="Restore an archived task",
    tag="board",
    permission="board.edit",
    response=TASK,
    name="restore_task",
)
def restore_task(project_id: int, task_id: int):
    return _state(project_id, task_id, ops.restore_task, True)


@endpoint(
    api_bp,
    "/tasks/<int:task_id>",
    "DELETE",
    summary="Delete a task for good (coordinators)",
    tag="board",
    permission="board.manage",
    status=204,
    name="delete_task",
)
def delete_task(project_id: int, task_id: int):
    ops.delete_task(_task(task_id, project_id), current_user)
    db.session.commit()
    return no_content()
