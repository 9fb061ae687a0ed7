"""Applications to a call for start-up aid (« candidatures »), their scores and the checks.

A project's coordination applies from its funding file: the application copies the
project's start-up aid line (amount, purpose, quotes) and the date of the parties' agreement,
and is checked against the seed's rules (:mod:`.application_queries`). The call's funder staff
then score it per criterion and record the committee's decision; the line follows (Demandé →
Accordé / Refusé). Scores stay with the funder: the project sees the decision and its reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.extensions import db
from workspace.models import (
    IdMixin,
    LabelledEnum,
    Project,
    StoredFile,
    TimestampMixin,
    User,
    VersionedMixin,
)

from .calls import FundingCall
from .models import MONEY, FundingLine, Purpose

#: The seed's selection criteria (the same keys as the project's ``FundingCriteria`` texts).
CRITERIA = (
    ("complexity", _l("Complexité et taille du projet")),
    ("economies", _l("Économies d'échelle")),
    ("service", _l("Amélioration du service rendu aux personnes")),
)
SCORE_MIN, SCORE_MAX = 1, 5
COMMENT_MAX = 2000


class ApplicationStatus(LabelledEnum):
    SUBMITTED = "submitted", _l("Déposée")
    GRANTED = "granted", _l("Accordée")
    REFUSED = "refused", _l("Refusée")

    @property
    def tone(self) -> str:
        return {"submitted": "info", "granted": "ok", "refused": "danger"}[self.value]


class FundingApplication(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    """One project's application to one call, then the committee's decision."""

    __tablename__ = "funding_application"
    __table_args__ = (UniqueConstraint("call_id", "project_id"),)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("funding_call.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_line.id", ondelete="SET NULL"), nullable=True, index=True
    )
    amount: Mapped[Decimal] = mapped_column(MONEY)
    purpose_category: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(Text, default="")
    agreement_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED.value)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    amount_granted: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    # After a grant: the notification letter (a project document), the day by which the
    # groupement must exist (else the aid is due back), what the funder recorded since.
    letter_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL"), nullable=True, index=True
    )
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    groupement_created_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    justified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reminded_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    call: Mapped[FundingCall] = relationship()
    project: Mapped[Project] = relationship(lazy="joined")
    line: Mapped[FundingLine | None] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    scores: Mapped[list[FundingScore]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="FundingScore.id"
    )
    payments: Mapped[list[FundingPayment]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="FundingPayment.paid_on, FundingPayment.id",
    )
    letter: Mapped[StoredFile | None] = relationship()

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))

    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)

    @property
    def purpose_enum(self) -> Purpose:
        return Purpose(self.purpose_category)

    @property
    def pending(self) -> bool:
        return self.status == ApplicationStatus.SUBMITTED.value

    def averages(self) -> dict[str, Decimal | None]:
        """The mean score per criterion (one decimal), and ``total`` the mean of those."""
        out: dict[str, Decimal | None] = {}
        for key, _label in CRITERIA:
            marks = [s.score for s in self.scores if s.criterion == key]
            out[key] = (
                (Decimal(sum(marks)) / len(marks)).quantize(Decimal("0.1")) if marks else None
            )
        given = [v for v in out.values() if v is not None]
        out["total"] = (sum(given) / len(given)).quantize(Decimal("0.1")) if given else None
        return out


class FundingScore(IdMixin, TimestampMixin, db.Model):
    """One staff member's mark (1–5) and comment on one criterion of an application."""

    __revision__ = False  # the funder's instruction: no project page shows it (revisions.py)
    __tablename__ = "funding_score"
    __table_args__ = (UniqueConstraint("application_id", "scorer_id", "criterion"),)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("funding_application.id", ondelete="CASCADE"), index=True
    )
    scorer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(20))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[FundingApplication] = relationship(back_populates="scores")
    scorer: Mapped[User] = relationship(lazy="joined")


class FundingPayment(IdMixin, TimestampMixin, db.Model):
    """One payment of a granted aid (the funder may pay it in instalments)."""

    __revision__ = False  # shown on the project's line through its amount_paid, kept in step
    __tablename__ = "funding_payment"
    application_id: Mapped[int] = mapped_column(
        ForeignKey("funding_application.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)

    application: Mapped[FundingApplication] = relationship(back_populates="payments")
    recorded_by: Mapped[User] = relationship()
