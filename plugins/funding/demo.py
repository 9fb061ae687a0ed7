"""Demo funding (DEMO.md): the start-up aid request, partners' contributions, the budget; the
Conseil départemental's open call with two applications (one pending, one refused)."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from werkzeug.datastructures import FileStorage

from workspace.extensions import db
from workspace.projects.demo_story import tiny_pdf

from . import application_ops, budget_ops
from . import operations as ops
from .calls import CallEvent, FundingCall, log_call


def demo(ctx) -> None:
    if ctx.story == "durance":
        return _durance_application(ctx)
    if ctx.story != "main":
        return  # the emerging project has none yet
    project, p, o = ctx.project, ctx.people, ctx.orgs
    claire, karim, sophie = p["claire"], p["karim"], p["sophie"]
    aid = ops.create_line(
        project,
        claire,
        funder_id=o["cd84"].id,
        kind="startup_aid",
        status="planned",
        purpose_category="legal_support",
        purpose=(
            "Avocat pour la convention constitutive et audit financier des trois structures "
            "avant la création du GCSMS."
        ),
        amount_requested=Decimal("12000.00"),
    )
    _quote(
        aid, claire, "devis-avocat-convention.pdf", "Devis - convention constitutive - 7 200 EUR"
    )
    for actor, org, amount in (
        (claire, "luberon", "4000.00"),
        (karim, "comtat", "3500.00"),
        (sophie, "cavaillon", "2500.00"),
    ):
        ops.create_line(
            project,
            actor,
            funder_id=o[org].id,
            kind="partner_contribution",
            status="granted",
            purpose_category="other_setup",
            purpose="Apport en fonds propres au démarrage du groupement.",
            amount_requested=Decimal(amount),
            amount_granted=Decimal(amount),
            decided_on=date(2026, 6, 20),
        )
    for category, label, amount, partner in (
        ("legal", "Avocat : convention constitutive et règlement intérieur", "7200.00", None),
        ("audit", "Audit financier des trois structures", "4800.00", None),
        ("it", "Logiciel de planification de l'astreinte", "3600.00", None),
        ("training", "Formation des équipes d'astreinte", "2400.00", None),
        ("staff", "Temps de coordination (Apt)", "2000.00", "luberon"),
    ):
        budget_ops.add_budget_item(
            project,
            claire,
            category=category,
            label=label,
            amount=Decimal(amount),
            partner_id=o[partner].id if partner else None,
        )
    budget_ops.set_share_keys(
        project,
        claire,
        {
            o["luberon"].id: Decimal("40.00"),
            o["comtat"].id: Decimal("35.00"),
            o["cavaillon"].id: Decimal("25.00"),
        },
    )
    ops.save_criteria(
        project,
        p["julien"],
        complexity=(
            "Trois structures (un SAAD associatif, un SSIAD, un service de CCAS) sur trois "
            "bassins de vie ; 210 salariés ; création d'une personne morale (GCSMS)."
        ),
        economies=(
            "Une astreinte de nuit au lieu de trois ; paie et formation mutualisées : "
            "environ 60 000 € par an estimés à partir de 2028."
        ),
        service=(
            "Continuité le soir et le week-end pour 1 400 personnes accompagnées ; un seul "
            "numéro d'appel ; réponse plus rapide aux nouvelles demandes."
        ),
    )
    call = _open_call(p["pierre"], o["cd84"])
    with _journal_dated(call.id, datetime.combine(SUBMITTED_ON, time(9, 30), UTC)):
        application = application_ops.submit(call, project, claire, SUBMITTED_ON)
    application.created_at = datetime.combine(SUBMITTED_ON, time(9, 30), UTC)
    with _journal_dated(call.id, datetime(2026, 11, 4, 15, 0, tzinfo=UTC)):
        application_ops.save_scores(
            application,
            p["pierre"],
            {
                "complexity": (4, "Trois structures, trois bassins de vie, une personne morale."),
                "economies": (4, "Astreinte unique : l'économie annoncée est documentée."),
            },
        )


#: The main project applies to the call a month after its opening (the call is still open).
SUBMITTED_ON = date(2026, 10, 12)


@contextmanager
def _journal_dated(call_id: int, when: datetime):
    """Date the call's journal entries written in the block: the projects' history is spread
    over their months (demo_story), the call's own steps keep the call's calendar."""
    last = db.session.scalar(db.select(func.max(CallEvent.id)).filter_by(call_id=call_id)) or 0
    yield
    db.session.flush()
    for event in db.session.scalars(
        db.select(CallEvent).filter_by(call_id=call_id).where(CallEvent.id > last)
    ):
        event.created_at = when


def _quote(line, actor, filename: str, title: str) -> None:
    pdf = FileStorage(
        io.BytesIO(tiny_pdf(title)), filename=filename, content_type="application/pdf"
    )
    ops.add_document(line, actor, pdf)


def _durance_application(ctx) -> None:
    """The merged project asked too: refused, the aid being for a groupement to set up."""
    project, helene, pierre = ctx.project, ctx.people["helene"], ctx.people["pierre"]
    call = db.session.scalar(db.select(FundingCall).filter_by(title=CALL_TITLE))
    if call is None:
        return
    aid = ops.create_line(
        project,
        helene,
        funder_id=call.funder_id,
        kind="startup_aid",
        status="planned",
        purpose_category="consultant",
        purpose=(
            "Consultant pour l'harmonisation des plannings et des fiches de poste après la fusion."
        ),
        amount_requested=Decimal("9000.00"),
    )
    _quote(aid, helene, "devis-consultant-harmonisation.pdf", "Devis - harmonisation - 9 000 EUR")
    with _journal_dated(call.id, datetime(2026, 10, 20, 14, 0, tzinfo=UTC)):
        application = application_ops.submit(call, project, helene, date(2026, 10, 20))
    application.created_at = datetime(2026, 10, 20, 14, 0, tzinfo=UTC)
    with _journal_dated(call.id, datetime(2026, 11, 3, 10, 0, tzinfo=UTC)):
        application_ops.save_scores(
            application,
            pierre,
            {
                "complexity": (2, "Deux associations déjà fusionnées."),
                "economies": (3, "Économies réalisées en 2025, hors du champ de l'aide."),
                "service": (3, "Service inchangé pour les personnes."),
            },
        )
    with _journal_dated(call.id, datetime(2026, 11, 18, 11, 0, tzinfo=UTC)):
        application_ops.decide(
            application,
            pierre,
            date(2026, 11, 18),
            granted=False,
            reason=(
                "La fusion est effective depuis septembre 2025 : l'aide au démarrage accompagne la "
                "mise en place d'un groupement, pas l'organisation d'une structure déjà créée."
            ),
        )


CALL_TITLE = "Aide au démarrage des coopérations 2026-2027"


def _open_call(pierre, cd84) -> FundingCall:
    """The Conseil départemental's call for start-up aid, open this winter (DEMO.md)."""
    call = FundingCall(
        funder_id=cd84.id,
        created_by_id=pierre.id,
        title=CALL_TITLE,
        description=(
            "Soutien au démarrage des groupements de coopération des services à domicile "
            "du Vaucluse.\nCritères : complexité et taille du projet, économies d'échelle, "
            "amélioration du service rendu aux personnes.\nPièces : devis, accord des "
            "parties, budget prévisionnel."
        ),
        envelope=Decimal("90000.00"),
        opens_on=date(2026, 10, 1),
        closes_on=date(2027, 2, 28),
    )
    db.session.add(call)
    db.session.flush()
    with _journal_dated(call.id, datetime(2026, 9, 28, 10, 0, tzinfo=UTC)):
        log_call(call.id, pierre, _l("a ouvert l'appel « %(t)s »", t=call.title))
    return call
