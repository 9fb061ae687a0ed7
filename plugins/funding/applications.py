"""Applications to a call for start-up aid (« candidatures »), their scores and the checks.

A project's coordination applies from its funding file: the application copies the
project's start-up aid line (amount, purpose, quotes) and the date of the parties' agreement,
and is checked against the seed's rules (:func:`submission_checks`). The call's funder staff
then score it per criterion and record the committee's decision; the line follows (Demandé →
Accordé / Refusé). Scores stay with the funder: the project sees the decision and its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.extensions import db
from workspace.models import (
    IdMixin,
    LabelledEnum,
    Membership,
    Project,
    TimestampMixin,
    User,
    VersionedMixin,
)
from workspace.permissions import can
from workspace.web.formats import long_date

from . import rules
from .calls import CallState, FundingCall
from .models import MONEY, FundingLine, Kind, LineStatus, Purpose

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

    call: Mapped[FundingCall] = relationship()
    project: Mapped[Project] = relationship(lazy="joined")
    line: Mapped[FundingLine | None] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    scores: Mapped[list[FundingScore]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="FundingScore.id"
    )

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


@dataclass(frozen=True)
class Check:
    """One rule checked before an application is submitted: met or not, and why."""

    key: str
    label: str
    ok: bool


def aid_line(project_id: int, funder_id: int) -> FundingLine | None:
    """The project's start-up aid line from this funder (one per project at most)."""
    return db.session.scalar(
        db.select(FundingLine).filter_by(
            project_id=project_id, kind=Kind.STARTUP_AID.value, funder_id=funder_id
        )
    )


def application_of(call_id: int, project_id: int) -> FundingApplication | None:
    return db.session.scalar(
        db.select(FundingApplication).filter_by(call_id=call_id, project_id=project_id)
    )


def applications_of(call_id: int) -> list[FundingApplication]:
    """A call's applications, oldest first, their scores loaded (the comparison's rows)."""
    return list(
        db.session.scalars(
            db.select(FundingApplication)
            .filter_by(call_id=call_id)
            .options(db.selectinload(FundingApplication.scores))
            .order_by(FundingApplication.id)
        )
    )


def project_applications(project_id: int) -> list[FundingApplication]:
    return list(
        db.session.scalars(
            db.select(FundingApplication)
            .filter_by(project_id=project_id)
            .options(db.joinedload(FundingApplication.call))
            .order_by(FundingApplication.id.desc())
        )
    )


def coordinated_projects(user) -> list[Project]:
    """The projects ``user`` coordinates and may apply for (not archived)."""
    if not getattr(user, "is_authenticated", False):
        return []
    projects = db.session.scalars(
        db.select(Project)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id, Membership.coordinator.is_(True))
        .order_by(Project.name)
    )
    return [p for p in projects if can(user, p, "funding.apply")]


def calls_to_apply(project, lines) -> list[FundingCall]:
    """The open calls of the funders of the project's start-up aid lines it has not applied
    to yet: offered on its funding file to whom may apply."""
    funders = {line.funder_id for line in lines if line.kind == Kind.STARTUP_AID.value}
    if not funders:
        return []
    today = date.today()
    applied = db.select(FundingApplication.call_id).filter_by(project_id=project.id)
    return list(
        db.session.scalars(
            db.select(FundingCall)
            .where(FundingCall.funder_id.in_(funders))
            .where(FundingCall.opens_on <= today, FundingCall.closes_on >= today)
            .where(FundingCall.id.not_in(applied))
            .order_by(FundingCall.closes_on)
        )
    )


def granted_total(call_id: int) -> Decimal:
    """What the call's decisions have granted so far (the envelope consumed)."""
    total = db.session.scalar(
        db.select(func.coalesce(func.sum(FundingApplication.amount_granted), 0)).filter_by(
            call_id=call_id, status=ApplicationStatus.GRANTED.value
        )
    )
    return Decimal(total).quantize(rules.CENT)


def _other_aid(project_id: int, call_id: int) -> bool:
    """Another application of the project, pending or granted (one aid per groupement)."""
    return bool(
        db.session.scalar(
            db.select(func.count(FundingApplication.id))
            .filter_by(project_id=project_id)
            .where(FundingApplication.call_id != call_id)
            .where(FundingApplication.status != ApplicationStatus.REFUSED.value)
        )
    )


#: Line statuses from which the project may (still, or again) apply.
APPLICABLE = {LineStatus.PLANNED.value, LineStatus.REQUESTED.value, LineStatus.REFUSED.value}


def submission_checks(call: FundingCall, project, today: date) -> list[Check]:
    """The seed's rules, one :class:`Check` each, in the order the coordinator reads them."""
    line = aid_line(project.id, call.funder_id)
    amount = line.amount_requested if line is not None else None
    return [
        Check(
            "call",
            _l("L'appel est ouvert (clôture le %(d)s).", d=long_date(call.closes_on)),
            call.state(today) == CallState.OPEN,
        ),
        Check(
            "line",
            _l(
                "Le dossier de financement a une ligne « Aide au démarrage » de %(f)s, "
                "ni accordée ni versée.",
                f=call.funder.name,
            ),
            line is not None and line.status in APPLICABLE,
        ),
        Check(
            "amount",
            _l("Le montant demandé est compris entre 6 000 € et 15 000 €."),
            amount is not None and rules.AID_MIN <= amount <= rules.AID_MAX,
        ),
        Check(
            "purpose",
            _l(
                "L'aide finance une aide extérieure à la mise en place du groupement, "
                "pas une étude préalable."
            ),
            line is not None and line.purpose_category in rules.SETUP_PURPOSES,
        ),
        Check(
            "single",
            _l("Une seule aide par groupement : aucune autre candidature en cours ou accordée."),
            not _other_aid(project.id, call.id),
        ),
        Check(
            "agreement",
            _l("L'accord des parties sur la création du groupement est enregistré."),
            rules.agreement_recorded(project),
        ),
        Check(
            "quotes",
            _l("Au moins un devis est joint à la ligne d'aide au démarrage."),
            line is not None and bool(line.documents),
        ),
    ]
