"""Board columns in the REST API: list, add, rename, set the WIP limit, delete an empty one
(coordinators), through the same operations as the board's settings page."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from workspace.api.base import get_or_404, refused
from workspace.api.pages import page
from workspace.api.schemas import ApiSchema, Bool, Int, Text, body_of
from workspace.extensions import db

from . import operations as ops
from . import setup
from .api import api_bp
from .models import COLUMN_NAME_MAX, BoardColumn


class BoardColumnSchema(ApiSchema):
    """A column of the project's board."""

    id = Int(dump_only=True)
    name = Text(required=True, max_length=COLUMN_NAME_MAX)
    position = Int(dump_only=True, minimum=0)
    wip_limit = Int(allow_none=True, minimum=1, maximum=999)
    done = Bool(description="The column of finished tasks")
    version = Int(dump_only=True)


@api_bp.operation("/columns", permission="board.view", response=BoardColumnSchema, many=True)
def columns(args, project_id: int):
    """Columns of the board"""
    if not setup.columns_of(g.project) and not g.project.archived:
        setup.ensure_columns(g.project)
        db.session.commit()
    return page(db.select(BoardColumn).filter_by(project_id=project_id), BoardColumn.id, args)


@api_bp.operation(
    "/columns",
    "POST",
    permission="board.manage",
    body=body_of(BoardColumnSchema, "Create"),
    response=BoardColumnSchema,
    status=201,
)
def create_column(data, project_id: int):
    """Add a column (coordinators)"""
    column = setup.add_column(
        g.project, current_user, data["name"], data.get("wip_limit"), data.get("done", False)
    )
    db.session.commit()
    return column


@api_bp.operation("/columns/<int:column_id>", permission="board.view", response=BoardColumnSchema)
def column(project_id: int, column_id: int):
    """One column"""
    return get_or_404(BoardColumn, column_id, project_id)


@api_bp.operation(
    "/columns/<int:column_id>",
    "PATCH",
    permission="board.manage",
    body=body_of(BoardColumnSchema, "Update", partial=True),
    response=BoardColumnSchema,
)
def update_column(data, project_id: int, column_id: int):
    """Rename a column, change its WIP limit (coordinators)"""
    col = get_or_404(BoardColumn, column_id, project_id)
    api_bp.check_etag(col, BoardColumnSchema)
    setup.update_column(
        col,
        current_user,
        data.get("name", col.name),
        data.get("wip_limit", col.wip_limit),
        data.get("done", col.done),
    )
    db.session.commit()
    return col


@api_bp.operation("/columns/<int:column_id>", "DELETE", permission="board.manage", status=204)
def delete_column(project_id: int, column_id: int):
    """Delete an empty column (coordinators)"""
    col = get_or_404(BoardColumn, column_id, project_id)
    with refused(ops.BoardError, 409):
        setup.delete_column(col, current_user)
    db.session.commit()
