"""The log of generated funder reports (« bilans »), their narrative, and the log of the
weekly portfolio points sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.extensions import db
from workspace.models import (
    IdMixin,
    StoredFile,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)


class Report(IdMixin, db.Model):
    """One generated report file: which period, which format, who, when, how long it took."""

    __tablename__ = "dashboard_report"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(10))
    format: Mapped[str] = mapped_column(String(5))
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), index=True)
    generated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    # sha256 of the report's content (its HTML, dated to the day) and format: the same report
    # asked again is served from this row instead of adding another (see reports.generate).
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)

    file: Mapped[StoredFile] = relationship(lazy="joined")
    generated_by: Mapped[User] = relationship(lazy="joined")


NARRATIVE_MAX = 5000  # characters per part


class ReportNarrative(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    """The qualitative part of a period's report, written by the coordination: actions carried
    out, difficulties met, next steps."""

    __tablename__ = "dashboard_narrative"
    __table_args__ = (UniqueConstraint("project_id", "period"),)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(10))
    actions: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )

    updated_by: Mapped[User | None] = relationship()

    @property
    def written(self) -> bool:
        return bool(self.actions or self.difficulties or self.next_steps)


class PortfolioPointLog(IdMixin, db.Model):
    """One row per person and week once the weekly portfolio point is sent: sent once."""

    __revision__ = False  # one person's log (workspace/cache/revisions.py)
    __tablename__ = "dashboard_portfolio_point"
    __table_args__ = (UniqueConstraint("user_id", "week"),)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[date] = mapped_column(Date)  # the Monday
    projects: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
