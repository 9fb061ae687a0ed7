"""Indicators, their measurements (with per-organisation values and history) and reviews."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.cache.revisions import object_parts
from workspace.extensions import db
from workspace.models import (
    IdMixin,
    LabelledEnum,
    Organisation,
    StoredFile,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)

VALUE = Numeric(14, 4)


class Kind(LabelledEnum):
    QUANTITY = "quantity", _l("Quantité")
    PERCENTAGE = "percentage", _l("Pourcentage (0 à 100)")
    MONEY = "money", _l("Montant en euros")
    YESNO = "yesno", _l("Oui / non")
    SCALE = "scale", _l("Échelle de 1 à 5")


class Direction(LabelledEnum):
    HIGHER = "higher", _l("Plus c'est haut, mieux c'est")
    LOWER = "lower", _l("Plus c'est bas, mieux c'est")
    BAND = "band", _l("Dans une fourchette cible")


class Frequency(LabelledEnum):
    MONTHLY = "monthly", _l("Mensuelle")
    QUARTERLY = "quarterly", _l("Trimestrielle")
    YEARLY = "yearly", _l("Annuelle")
    ONCE = "once", _l("Une seule fois")


class Decision(LabelledEnum):
    PENDING = "pending", _l("À examiner")
    ACCEPTED = "accepted", _l("Acceptée")
    QUESTIONED = "questioned", _l("Question posée")
    REJECTED = "rejected", _l("Rejetée")


#: The revision part of what the indicators show (workspace/cache/revisions.py): the
#: dashboard's indicator cards and calendar are reused while it (and ``other``) is unchanged.
PART = "indicators"


def _indicators_part(_row) -> set[str]:
    return {PART}


def _comment_parts(_object_id: int, _session) -> set[str]:
    """A comment on an indicator or a measurement shows in the indicators' pages only."""
    return {PART}


object_parts["indicator"] = object_parts["measurement"] = _comment_parts


class Indicator(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    __revision_parts__ = _indicators_part  # its children's too, through __revision_parent__
    __tablename__ = "indicators_indicator"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(40), default="")
    direction: Mapped[str] = mapped_column(String(10))
    baseline_value: Mapped[Decimal] = mapped_column(VALUE)
    baseline_date: Mapped[date] = mapped_column(Date)
    target_value: Mapped[Decimal] = mapped_column(VALUE)
    # Upper bound of the band when direction is "band" (target_value is then the lower bound).
    target_max: Mapped[Decimal | None] = mapped_column(VALUE, nullable=True)
    target_date: Mapped[date] = mapped_column(Date)
    frequency: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(Text, default="")
    responsible_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True
    )
    breakdown: Mapped[bool] = mapped_column(default=False)
    review_status: Mapped[str] = mapped_column(String(12), default=Decision.PENDING.value)
    # The evaluator may override the computed status, with a justification.
    status_override: Mapped[str | None] = mapped_column(String(12), nullable=True)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    override_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    responsible_org: Mapped[Organisation | None] = relationship(lazy="joined")
    targets: Mapped[list[IntermediateTarget]] = relationship(
        back_populates="indicator",
        cascade="all, delete-orphan",
        order_by="IntermediateTarget.target_date",
        lazy="selectin",
    )


class IntermediateTarget(IdMixin, db.Model):
    __revision_parent__ = "indicator"  # its project (workspace/cache/revisions.py)
    __tablename__ = "indicators_target"
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators_indicator.id", ondelete="CASCADE"), index=True
    )
    target_date: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(VALUE)

    indicator: Mapped[Indicator] = relationship(back_populates="targets")


class Measurement(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    __revision_parts__ = _indicators_part
    __tablename__ = "indicators_measurement"
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators_indicator.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(10))
    period_end: Mapped[date] = mapped_column(Date, index=True)
    value: Mapped[Decimal] = mapped_column(VALUE)
    comment: Mapped[str] = mapped_column(Text, default="")
    evidence_note: Mapped[str] = mapped_column(String(500), default="")
    evidence_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id"), nullable=True, index=True
    )
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    review_status: Mapped[str] = mapped_column(String(12), default=Decision.PENDING.value)

    indicator: Mapped[Indicator] = relationship()
    entered_by: Mapped[User] = relationship(lazy="joined")
    evidence_file: Mapped[StoredFile | None] = relationship()
    values: Mapped[list[MeasurementValue]] = relationship(
        back_populates="measurement", cascade="all, delete-orphan", lazy="selectin"
    )


class MeasurementValue(IdMixin, db.Model):
    """One partner organisation's value for a measurement (indicators broken down)."""

    __revision_parent__ = "measurement"  # its project (workspace/cache/revisions.py)
    __tablename__ = "indicators_measurement_value"
    __table_args__ = (UniqueConstraint("measurement_id", "organisation_id"),)
    measurement_id: Mapped[int] = mapped_column(
        ForeignKey("indicators_measurement.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    value: Mapped[Decimal] = mapped_column(VALUE)

    measurement: Mapped[Measurement] = relationship(back_populates="values")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class MeasurementRevision(IdMixin, db.Model):
    """An immutable snapshot written at every save of a measurement: edits keep history."""

    # History written with its measurement, whose change renews the project (revisions.py).
    __revision__ = False
    __tablename__ = "indicators_measurement_revision"
    measurement_id: Mapped[int] = mapped_column(
        ForeignKey("indicators_measurement.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(VALUE)
    breakdown: Mapped[str] = mapped_column(Text, default="")  # "org name: value; …"
    comment: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User] = relationship(lazy="joined")


class Review(IdMixin, db.Model):
    """An evaluator's decision on a measurement or (measurement_id None) on an indicator."""

    __revision_parts__ = _indicators_part
    __tablename__ = "indicators_review"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators_indicator.id", ondelete="CASCADE"), index=True
    )
    measurement_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators_measurement.id", ondelete="CASCADE"), nullable=True, index=True
    )
    decision: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User] = relationship(lazy="joined")
    replies: Mapped[list[ReviewReply]] = relationship(
        back_populates="review",
        cascade="all, delete-orphan",
        order_by="ReviewReply.id",
        lazy="selectin",
    )

    @property
    def decision_label(self) -> str:
        return Decision(self.decision).label

    @property
    def answered(self) -> bool:
        return bool(self.replies)


class ReviewReply(IdMixin, db.Model):
    """A director's answer in the thread of a questioned review."""

    __revision_parent__ = "review"  # its project (workspace/cache/revisions.py)
    __tablename__ = "indicators_review_reply"
    review_id: Mapped[int] = mapped_column(
        ForeignKey("indicators_review.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="replies")
    author: Mapped[User] = relationship(lazy="joined")
