"""Demo funding (DEMO.md): the start-up aid request, partners' contributions, the budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from . import operations as ops


def demo(ctx) -> None:
    if ctx.story != "main":
        return  # the smaller demo projects have none
    project, p, o = ctx.project, ctx.people, ctx.orgs
    claire, karim, sophie = p["claire"], p["karim"], p["sophie"]
    ops.create_line(
        project,
        claire,
        funder_id=o["cd84"].id,
        kind="startup_aid",
        status="requested",
        purpose_category="legal_support",
        purpose=(
            "Avocat pour la convention constitutive et audit financier des trois structures "
            "avant la création du GCSMS."
        ),
        amount_requested=Decimal("12000.00"),
        requested_on=date(2026, 9, 15),
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
        ops.add_budget_item(
            project,
            claire,
            category=category,
            label=label,
            amount=Decimal(amount),
            partner_id=o[partner].id if partner else None,
        )
    ops.set_share_keys(
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
    _open_call(p["pierre"], o["cd84"])


def _open_call(pierre, cd84) -> None:
    """The Conseil départemental's call for start-up aid, open this winter (DEMO.md)."""
    from workspace.extensions import db

    from .calls import FundingCall

    db.session.add(
        FundingCall(
            funder_id=cd84.id,
            created_by_id=pierre.id,
            title="Aide au démarrage des coopérations 2026-2027",
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
    )
