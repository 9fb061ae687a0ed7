"""Moves in long columns (plugins/board/positions.py): the cards a move shifts by one place
are written by one UPDATE on their range of positions; every column stays the exact order
the moves make, positions 0..n-1, archived cards untouched."""

from __future__ import annotations

import random

from sqlalchemy import event

from plugins.board import operations as ops
from plugins.board.positions import SHIFT_FROM
from tests.plugins.board.conftest import make_tasks, order
from workspace.extensions import db


def _updates(statements: list[str]) -> tuple[int, int]:
    """(UPDATEs by range, UPDATEs naming rows) of the board's tasks."""
    tasks = [s for s in statements if s.startswith("UPDATE board_task ")]
    by_range = sum(" BETWEEN " in s for s in tasks)
    return by_range, len(tasks) - by_range


def test_random_moves_in_long_columns_keep_the_expected_order(board):
    project, people, columns, _tasks = board
    director = people["director"]
    n = 3 * SHIFT_FROM
    long_ones = [make_tasks(project, director, column, n) for column in columns[:3]]
    archived = long_ones[0][10]  # in the middle of the ranges the moves shift
    ops.archive_task(archived, director)
    db.session.commit()
    archived_at = archived.position
    expected = {c.id: order(c.id) for c in columns}
    rng = random.Random(18)
    statements: list[str] = []
    listener = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for _ in range(60):
            source = rng.choice([c for c in columns if expected[c.id]])
            task_id = rng.choice(expected[source.id])
            target = rng.choice(columns)
            expected[source.id].remove(task_id)
            place = rng.choice(
                [0, len(expected[target.id]), rng.randint(0, len(expected[target.id]))]
            )
            expected[target.id].insert(place, task_id)
            ops.move_task(db.session.get(ops.Task, task_id), director, target, place, confirm=True)
            db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    for column in columns:
        assert order(column.id) == expected[column.id], column.name
        rows = db.session.execute(
            db.select(ops.Task.position)
            .filter_by(column_id=column.id, archived=False)
            .order_by(ops.Task.position)
        ).scalars()
        assert list(rows) == list(range(len(expected[column.id])))
    db.session.refresh(archived)
    assert archived.archived and archived.position == archived_at  # never shifted
    by_range, naming = _updates(statements)
    assert by_range > 20  # most moves shifted a long run of cards at once
    assert naming <= 2 * 60  # the moved card (and a short run) per column written


def test_a_card_put_on_top_of_a_long_column_names_only_itself(board):
    project, people, columns, tasks = board
    make_tasks(project, people["director"], columns[1], 5 * SHIFT_FROM)
    statements: list[str] = []
    listener = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        ops.move_task(tasks[0], people["director"], columns[1], 0)
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert _updates(statements) == (1, 2)  # the column's shift; the card; its old column
    assert order(columns[1].id)[0] == tasks[0].id
