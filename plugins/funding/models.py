"""Funding lines, their documents and expenses, the budget and the cost-sharing keys."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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

MONEY = Numeric(12, 2)
TEXT_MAX = 5000
NAME_MAX = 200


class Kind(LabelledEnum):
    STARTUP_AID = "startup_aid", _l("Aide au démarrage")
    OPERATING = "operating_grant", _l("Subvention de fonctionnement")
    CPOM = "cpom", _l("Dotation CPOM")
    PARTNER = "partner_contribution", _l("Apport d'un partenaire")
    OTHER = "other", _l("Autre")


class LineStatus(LabelledEnum):
    PLANNED = "planned", _l("Envisagé")
    REQUESTED = "requested", _l("Demandé")
    GRANTED = "granted", _l("Accordé")
    PAID = "paid", _l("Versé")
    REFUSED = "refused", _l("Refusé")
    REPAYABLE = "repayable", _l("À rembourser")
    REPAID = "repaid", _l("Remboursé")

    @property
    def tone(self) -> str:
        return {
            "granted": "ok",
            "paid": "ok",
            "requested": "info",
            "refused": "danger",
            "repayable": "danger",
            "repaid": "neutral",
        }.get(self.value, "neutral")


class Purpose(LabelledEnum):
    CONSULTANT = "consultant", _l("Consultant pour la mise en place du groupement")
    AUDIT = "financial_audit", _l("Audit financier")
    LEGAL = "legal_support", _l("Accompagnement juridique")
    OTHER_SETUP = "other_setup", _l("Autre aide extérieure à la mise en place")
    STUDY = "preliminary_study", _l("Étude préalable")
    OPERATING = "operating", _l("Fonctionnement")
    OTHER = "other", _l("Autre")


class BudgetCategory(LabelledEnum):
    CONSULTING = "consulting", _l("Conseil et accompagnement")
    LEGAL = "legal", _l("Juridique")
    AUDIT = "audit", _l("Audit financier")
    STAFF = "staff", _l("Personnel")
    TRAINING = "training", _l("Formation")
    IT = "it", _l("Informatique")
    EQUIPMENT = "equipment", _l("Équipement")
    OTHER = "other", _l("Autre")


class FundingLine(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "funding_line"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    funder_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default=LineStatus.PLANNED.value)
    purpose_category: Mapped[str] = mapped_column(String(30), default=Purpose.OTHER.value)
    purpose: Mapped[str] = mapped_column(Text, default="")
    amount_requested: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    amount_granted: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    amount_paid: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    requested_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    funder: Mapped[Organisation] = relationship(lazy="joined")
    documents: Mapped[list[FundingDocument]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="FundingDocument.id"
    )
    expenses: Mapped[list[FundingExpense]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="FundingExpense.spent_on"
    )

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def status_enum(self) -> LineStatus:
        return LineStatus(self.status)

    @property
    def purpose_enum(self) -> Purpose:
        return Purpose(self.purpose_category)

    @property
    def spent(self) -> Decimal:
        return sum((e.amount for e in self.expenses), Decimal("0.00"))

    @property
    def available(self) -> Decimal:
        """What the line brings: paid, else granted, else (still hoped) requested."""
        if self.amount_paid:
            return self.amount_paid
        if self.amount_granted is not None:
            return self.amount_granted
        return self.amount_requested

    @property
    def remaining(self) -> Decimal:
        return self.available - self.spent


class FundingDocument(IdMixin, db.Model):
    __revision_parent__ = "line"  # its project (workspace/cache/revisions.py)
    __tablename__ = "funding_document"
    line_id: Mapped[int] = mapped_column(
        ForeignKey("funding_line.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), index=True)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    line: Mapped[FundingLine] = relationship(back_populates="documents")
    file: Mapped[StoredFile] = relationship(lazy="joined")
    added_by: Mapped[User] = relationship()


class FundingExpense(IdMixin, TimestampMixin, db.Model):
    __revision_parent__ = "line"  # its project (workspace/cache/revisions.py)
    __tablename__ = "funding_expense"
    line_id: Mapped[int] = mapped_column(
        ForeignKey("funding_line.id", ondelete="CASCADE"), index=True
    )
    spent_on: Mapped[date] = mapped_column(Date)
    supplier: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(String(500), default="")
    amount: Mapped[Decimal] = mapped_column(MONEY)
    file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id"), nullable=True, index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)

    line: Mapped[FundingLine] = relationship(back_populates="expenses")
    file: Mapped[StoredFile | None] = relationship(lazy="joined")


class FundingBudgetItem(IdMixin, TimestampMixin, db.Model):
    """A planned cost: borne by one partner, or shared by the keys when ``partner_id`` is None."""

    __tablename__ = "funding_budget_item"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(NAME_MAX))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True
    )

    partner: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def category_enum(self) -> BudgetCategory:
        return BudgetCategory(self.category)


class FundingShareKey(IdMixin, db.Model):
    """One partner's percentage of the shared costs (the project's keys add up to 100)."""

    __tablename__ = "funding_share_key"
    __table_args__ = (UniqueConstraint("project_id", "organisation_id"),)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class FundingCriteria(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    """« Critères de sélection » the funder weighs, written by the adviser or the coordinator."""

    __tablename__ = "funding_criteria"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), unique=True
    )
    complexity: Mapped[str] = mapped_column(Text, default="")
    economies: Mapped[str] = mapped_column(Text, default="")
    service: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )

    updated_by: Mapped[User | None] = relationship()
