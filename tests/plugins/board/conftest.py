"""Board fixtures: a project with one user per role, its default columns and a few tasks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from plugins.board import operations as ops
from plugins.board.models import Task
from plugins.board.setup import ensure_columns
from workspace.extensions import db


def make_tasks(project, actor, column, n, **fields):
    """``n`` tasks appended to ``column`` through the operation (positions 0..n-1)."""
    tasks = [
        ops.create_task(project, actor, column, title=f"Tâche {column.name} {i}", **fields)
        for i in range(n)
    ]
    db.session.commit()
    return tasks


@pytest.fixture
def board(roles_project):
    """(project, people, columns, tasks): 3 tasks in « À faire », 2 in « En cours »."""
    project, people = roles_project
    columns = ensure_columns(project)
    db.session.commit()
    actor = people["director"]
    tasks = make_tasks(project, actor, columns[0], 3) + make_tasks(project, actor, columns[1], 2)
    return project, people, columns, tasks


def positions(column_id: int) -> list[int]:
    db.session.expire_all()
    return sorted(
        db.session.scalars(
            db.select(Task.position).filter_by(column_id=column_id, archived=False)
        ).all()
    )


def order(column_id: int) -> list[int]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(Task.id)
            .filter_by(column_id=column_id, archived=False)
            .order_by(Task.position)
        )
    )


TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
