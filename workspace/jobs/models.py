"""The ``job`` table: one row per piece of long work, whichever backend runs it.

The row is the truth the pages read (state, progress, result, the French message of a
failure); RQ only carries the id to a worker. A row belongs to the person who asked for it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.extensions import db
from workspace.models import IdMixin, Project, User, UTCDateTime, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Job(IdMixin, db.Model):
    """Long work asked by one person: ``kind`` names its handler, ``params`` its input (JSON),
    ``result`` what the handler returned (JSON), ``error`` the message shown on failure."""

    __revision__ = False  # one person's request, not the project's content (cache/revisions.py)
    __tablename__ = "job"
    kind: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), nullable=True, index=True
    )
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()
    project: Mapped[Project | None] = relationship()

    @property
    def pending(self) -> bool:
        return self.status in (QUEUED, RUNNING)
