"""Board columns in the REST API: list, add, rename, set the WIP limit, delete an empty one
(coordinators), through the same operations as the board's settings page."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from workspace.api.base import get_or_404, refused
from workspace.api.pages import page
from workspace.api.schemas import ApiSchema, Bool, Int, Text
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


@api_bp.create("/columns", BoardColumnSchema, permission="board.manage")
def create_column(data, project_id: int):
    """Add a column (coordinators)"""
    return setup.add_column(
        g.project, current_user, data["name"], data.get("wip_limit"), data.get("done", False)
    )


api_bp.read(
    "/columns/<int:column_id>",
    BoardColumn,
    BoardColumnSchema,
    permission="board.view",
    summary="One column",
    endpoint="column",
)


@api_bp.update(
    "/columns/<int:column_id>", BoardColumn, BoardColumnSchema, permission="board.manage"
)
def update_column(data, col: BoardColumn):
    """Rename a column, change its WIP limit (coordinators)"""
    setup.update_column(
        col,
        current_user,
        data.get("name", col.name),
        data.get("wip_limit", col.wip_limit),
        data.get("done", col.done),
    )


@api_bp.operation("/columns/<int:column_id>", "DELETE", permission="board.manage", status=204)
def delete_column(project_id: int, column_id: int):
    """Delete an empty column (coordinators)"""
    col = get_or_404(BoardColumn, column_id, project_id)
    with refused(ops.BoardError, 409):
        setup.delete_column(col, current_user)
    db.session.commit()
