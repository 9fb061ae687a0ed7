"""Applications' queries and the checks before a submission (the seed's rules, one by one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from workspace.extensions import db
from workspace.models import Membership, Project
from workspace.permissions import can, remember_membership
from workspace.web.formats import long_date

from . import rules
from .applications import ApplicationStatus, FundingApplication
from .calls import CallState, FundingCall
from .models import FundingLine, Kind, LineStatus


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
            .options(
                db.selectinload(FundingApplication.scores),
                db.selectinload(FundingApplication.line),
            )
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
    rows = db.session.execute(
        db.select(Project, Membership)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id, Membership.coordinator.is_(True))
        .order_by(Project.name)
    ).all()
    for project, membership in rows:  # can() then asks the database nothing more
        remember_membership(user, project, membership)
    return [project for project, _membership in rows if can(user, project, "funding.apply")]


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
