"""Column locking and renumbering: positions stay a permutation 0..n-1 per column.

Every operation that changes positions (create, move, archive, restore, delete) first locks
the project's column rows, then reads the current order and writes the new one. On
PostgreSQL the lock is ``SELECT … FOR UPDATE``. SQLite has no row locks: the transaction takes
the database write lock up front with ``BEGIN IMMEDIATE`` (pysqlite begins transactions lazily
at the first write, so earlier reads hold no lock); a plain deferred transaction could
deadlock with another writer and fail at once with "database is locked" instead of waiting.

Positions are written with Core UPDATEs: moving a card does not bump the version of the
cards around it (the version protects edits of a task's content, not its place). The cards a
move shifts by one place are written by one UPDATE on their range of positions, whatever
their number; the others (the moved card, a few rows) by one UPDATE naming each.
"""

from __future__ import annotations

from sqlalchemy import case, select, update

from workspace.cache.revisions import touch
from workspace.extensions import db

from .models import BoardColumn, Task, column_part


def lock_columns(project_id: int) -> None:
    """Serialise position changes of one project's board until the transaction ends."""
    touch(project_id)  # positions are written by Core UPDATEs, which the ORM does not see
    table = BoardColumn.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(table.c.id)
            .where(table.c.project_id == project_id)
            .order_by(table.c.id)
            .with_for_update()
        ).all()
    else:
        raw = db.session.connection().connection.driver_connection
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")  # waits (busy timeout) for other writers
        else:  # this transaction already writes: it holds the write lock until commit
            db.session.execute(
                update(table)
                .where(table.c.project_id == project_id)
                .values(position=table.c.position)
            )


SHIFT_FROM = 16  # rows moving by the same step: from this many, one UPDATE by range


class Order(list):
    """The active task ids of one column in order, remembering where each row was."""

    def __init__(self, column_id: int):
        table = Task.__table__
        rows = db.session.execute(
            select(table.c.id, table.c.position)
            .where(table.c.column_id == column_id, table.c.archived.is_(False))
            .order_by(table.c.position, table.c.id)
        ).all()
        super().__init__(r.id for r in rows)
        self.column_id = column_id
        self.before = {r.id: r.position for r in rows}

    def write(self) -> None:
        """Store positions 0..n-1 (and this column) for the rows that changed, in one UPDATE,
        and renew the column's revision if a card arrived, left or changed place."""
        changed = {i: p for p, i in enumerate(self) if self.before.get(i) != p}
        if not changed and self.before.keys() <= set(self):
            return
        columns = BoardColumn.__table__
        project_id = db.session.execute(
            select(columns.c.project_id).where(columns.c.id == self.column_id)
        ).scalar_one()
        touch(project_id, column_part(self.column_id))  # the ORM does not see Core UPDATEs
        if not changed:
            return  # the card that left was the last one (or the rest kept their places)
        table = Task.__table__
        shift = self._shift(changed)
        if shift is not None:  # one UPDATE by range, not a CASE naming a thousand rows
            low, high, delta, ids = shift
            db.session.execute(
                update(table)
                .where(
                    table.c.column_id == self.column_id,
                    table.c.archived.is_(False),
                    table.c.position.between(low, high),
                )
                .values(position=table.c.position + delta)
            )
            changed = {i: p for i, p in changed.items() if i not in ids}
        if changed:
            db.session.execute(
                update(table)
                .where(table.c.id.in_(list(changed)))
                .values(column_id=self.column_id, position=case(changed, value=table.c.id))
            )

    def _shift(self, changed: dict[int, int]):
        """``(low, high, delta, ids)`` when the most common move among the changed rows that
        were here is one shift of every row whose position was in ``low..high`` (a card put
        at the top of a long column moves all the others down by one); None otherwise."""
        groups: dict[int, set[int]] = {}
        for i, p in changed.items():
            if i in self.before:
                groups.setdefault(p - self.before[i], set()).add(i)
        if not groups:
            return None
        delta, ids = max(groups.items(), key=lambda g: len(g[1]))
        if len(ids) < SHIFT_FROM:
            return None
        low = min(self.before[i] for i in ids)
        high = max(self.before[i] for i in ids)
        in_range = {i for i, p in self.before.items() if low <= p <= high}
        return (low, high, delta, ids) if in_range == ids else None


def refresh_positions(*tasks: Task) -> None:
    """Reload column and position of tasks held by the session after a Core UPDATE."""
    for task in tasks:
        db.session.refresh(task, ["column_id", "position", "column"])
