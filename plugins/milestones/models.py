"""Milestones (jalons), their evidence, their immutable review records and calendar tokens."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from workspace.extensions import db
from workspace.models import (
    IdMixin,
    LabelledEnum,
    Stage,
    StoredFile,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)

TITLE_MAX = 200
TEXT_MAX = 5000
URL_MAX = 500


class Status(LabelledEnum):
    PLANNED = "planned", _l("Prévu")
    SUBMITTED = "submitted", _l("Soumis")
    VALIDATED = "validated", _l("Validé")
    RETURNED = "returned", _l("À reprendre")

    @property
    def tone(self) -> str:
        return {"planned": "neutral", "submitted": "info", "validated": "ok"}.get(
            self.value, "warn"
        )


class Decision(LabelledEnum):
    SUBMITTED = "submitted", _l("Soumis pour validation")
    VALIDATED = "validated", _l("Validé")
    RETURNED = "returned", _l("Renvoyé « à reprendre »")
    REOPENED = "reopened", _l("Rouvert")


class Milestone(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "milestones_milestone"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str | None] = mapped_column(String(20), nullable=True)
    planned_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    closes_stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    deliverables: Mapped[str] = mapped_column(Text, default="")
    is_agreement: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=Status.PLANNED.value, index=True)
    #: Submission round: 0 before the first submission, +1 at each (re)submission.
    round: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )

    evidence: Mapped[list[MilestoneEvidence]] = relationship(
        back_populates="milestone",
        cascade="all, delete-orphan",
        order_by="MilestoneEvidence.id",
    )
    reviews: Mapped[list[MilestoneReview]] = relationship(
        back_populates="milestone", order_by="MilestoneReview.id", passive_deletes="all"
    )

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def stage_enum(self) -> Stage | None:
        return Stage(self.closes_stage) if self.closes_stage else None

    @property
    def locked(self) -> bool:
        """A validated milestone cannot change until an adviser reopens it."""
        return self.status == Status.VALIDATED.value

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or date.today()
        # A submitted milestone waits for the adviser: the partners are not late.
        return (
            self.planned_date is not None
            and self.planned_date < today
            and self.status in (Status.PLANNED.value, Status.RETURNED.value)
        )

    def evidence_snapshot(self) -> list[dict]:
        """What a reviewer saw: each file's name and content hash, each link's address."""
        out = []
        for ev in self.evidence:
            if ev.file is not None:
                out.append({"name": ev.file.original_name, "sha256": ev.file.sha256})
            else:
                out.append({"name": ev.label or ev.url, "url": ev.url})
        return out


class MilestoneEvidence(IdMixin, db.Model):
    """A document (through the upload service) or a link attached to a milestone."""

    __revision_parent__ = "milestone"  # its project (workspace/cache/revisions.py)
    __tablename__ = "milestones_evidence"
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestones_milestone.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id"), nullable=True, index=True
    )
    url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    label: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    milestone: Mapped[Milestone] = relationship(back_populates="evidence")
    file: Mapped[StoredFile | None] = relationship(lazy="joined")
    added_by: Mapped[User] = relationship()

    @property
    def name(self) -> str:
        return self.file.original_name if self.file else (self.label or self.url)


class MilestoneReview(IdMixin, db.Model):
    """One immutable record of the workflow: submission, validation, return or reopening.

    Rows are only ever inserted: a session listener refuses any update or delete.
    """

    __tablename__ = "milestones_review"
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestones_milestone.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence_seen: Mapped[list] = mapped_column(JSON, default=list)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    milestone: Mapped[Milestone] = relationship(back_populates="reviews")
    actor: Mapped[User] = relationship(lazy="joined")

    @property
    def decision_enum(self) -> Decision:
        return Decision(self.decision)


class ImmutableReview(RuntimeError):
    """Raised when code tries to change or delete a review record."""


@sa_event.listens_for(Session, "before_flush")
def _reviews_are_append_only(session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, MilestoneReview) and (
            obj in session.deleted or session.is_modified(obj)
        ):
            raise ImmutableReview("milestone review records are append-only")


class MilestoneCalendarToken(IdMixin, db.Model):
    """A private iCalendar feed address; only the SHA-256 of the token is stored."""

    __revision__ = False  # a private feed address: no page shows it (workspace/cache/revisions.py)
    __tablename__ = "milestones_calendar_token"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    created_by: Mapped[User] = relationship()
