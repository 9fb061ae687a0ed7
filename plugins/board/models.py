"""Board tables: columns, tasks, labels, assignees, sub-items and task templates.

Positions are a permutation ``0..n-1`` of the active (non-archived) tasks of each column;
operations renumber them under a lock of the project's column rows (see operations.py).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.cache.revisions import object_parts
from workspace.extensions import db
from workspace.models import (
    IdMixin,
    LabelledEnum,
    Organisation,
    Project,
    StoredFile,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
COLUMN_NAME_MAX = 80
LABEL_MAX = 40
SUBITEM_MAX = 200
TEMPLATE_NAME_MAX = 120


class Priority(LabelledEnum):
    BASSE = "basse", _l("Basse")
    NORMALE = "normale", _l("Normale")
    HAUTE = "haute", _l("Haute")
    URGENTE = "urgente", _l("Urgente")


task_assignee = Table(
    "board_task_assignee",
    db.Model.metadata,
    Column("task_id", ForeignKey("board_task.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id"), primary_key=True, index=True),
)

task_label = Table(
    "board_task_label",
    db.Model.metadata,
    Column("task_id", ForeignKey("board_task.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "label_id",
        ForeignKey("board_label.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class BoardColumn(IdMixin, VersionedMixin, db.Model):
    """A column of a project's board; ``done`` marks the column of finished tasks."""

    __tablename__ = "board_column"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(COLUMN_NAME_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)
    wip_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class Label(IdMixin, db.Model):
    __tablename__ = "board_label"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(LABEL_MAX))
    color: Mapped[str] = mapped_column(String(7), default="#5a6877")


class Task(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    """A card of the board. ``milestone_id`` refers to the milestones plugin (no foreign key:
    that plugin may be disabled)."""

    __tablename__ = "board_task"
    __table_args__ = (Index("ix_board_task_column_position", "column_id", "archived", "position"),)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    column_id: Mapped[int] = mapped_column(ForeignKey("board_column.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str | None] = mapped_column(String(20), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    priority: Mapped[str] = mapped_column(String(10), default=Priority.NORMALE.value)
    milestone_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # In the trash (also archived, so no board query sees it): restorable for TRASH_DAYS, then
    # deleted for good. Only the trash and its restore route look at these tasks.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )

    project: Mapped[Project] = relationship()
    column: Mapped[BoardColumn] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    assignees: Mapped[list[User]] = relationship(secondary=task_assignee, order_by=User.name)
    labels: Mapped[list[Label]] = relationship(secondary=task_label, order_by=Label.name)
    subitems: Mapped[list[SubItem]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="SubItem.position"
    )
    files: Mapped[list[TaskFile]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskFile.id"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def priority_label(self) -> str:
        return Priority(self.priority).label

    def overdue(self, today: date) -> bool:
        return bool(self.due_date and self.due_date < today and not self.column.done)

    def __revision_parts__(self) -> set[str] | None:
        """The board columns a change of this task shows in: its column, and the one it left
        (workspace/cache/revisions.py)."""
        left = inspect(self).attrs.column_id.history.deleted or ()
        ids = {self.column_id, *left} - {None}
        return {column_part(i) for i in ids} or None


def column_part(column_id: int) -> str:
    """The revision part of one column's cards (workspace/cache/revisions.py)."""
    return f"column:{column_id}"


def _task_parts(task_id: int, session) -> set[str] | None:
    """The parts a row attached to task ``task_id`` (a comment) shows in: its column."""
    task = session.get(Task, task_id)
    return task.__revision_parts__() if task is not None else None


object_parts["task"] = _task_parts


class SubItem(IdMixin, db.Model):
    """One line of a task's checklist."""

    __revision_parent__ = "task"  # its project (workspace/cache/revisions.py)
    __tablename__ = "board_subitem"
    task_id: Mapped[int] = mapped_column(
        ForeignKey("board_task.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(SUBITEM_MAX))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    task: Mapped[Task] = relationship(back_populates="subitems")


class TaskFile(IdMixin, db.Model):
    """A document attached to a task, through the project's upload service (size and type
    checked, stored like milestone evidence)."""

    __revision_parent__ = "task"  # its project (workspace/cache/revisions.py)
    __tablename__ = "board_task_file"
    task_id: Mapped[int] = mapped_column(
        ForeignKey("board_task.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), index=True)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task] = relationship(back_populates="files")
    file: Mapped[StoredFile] = relationship(lazy="joined")
    added_by: Mapped[User] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return self.file.original_name


class BoardTemplate(IdMixin, db.Model):
    """A named set of tasks saved by a coordinator (JSON list of task dicts), offered when a
    project is created to the members of its source project, or to everyone once a site
    administrator publishes it (``site_wide``)."""

    __revision__ = (
        False  # site-wide templates, not a project's content (workspace/cache/revisions.py)
    )
    __tablename__ = "board_template"
    name: Mapped[str] = mapped_column(String(TEMPLATE_NAME_MAX))
    tasks_json: Mapped[str] = mapped_column(Text, default="[]")
    source_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Published by a site administrator: offered to everyone, not only the source's members.
    site_wide: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    created_by: Mapped[User | None] = relationship()
    source_project: Mapped[Project | None] = relationship()
