"""Demo milestones (DEMO.md), added through the operations so the activity log tells it."""

from __future__ import annotations

import io
from datetime import date

from werkzeug.datastructures import FileStorage

from workspace.projects.demo_story import tiny_pdf

from . import operations as ops


def demo(ctx) -> None:
    if ctx.story != "main":
        return _story_demo(ctx)
    project, p = ctx.project, ctx.people
    claire, karim, julien = p["claire"], p["karim"], p["julien"]
    agreement = ops.create_milestone(
        project,
        claire,
        title="Accord des parties sur la création du groupement",
        description="Les trois conseils d'administration approuvent la création d'un GCSMS.",
        area="strategie",
        planned_date=date(2026, 6, 12),
        closes_stage="accompagnement",
        deliverables="Lettre d'intention signée par les trois présidents.",
        is_agreement=True,
    )
    letter = FileStorage(
        io.BytesIO(tiny_pdf("Lettre d'intention - GCSMS Domicile Luberon-Ventoux - signee")),
        filename="lettre-intention-signee.pdf",
        content_type="application/pdf",
    )
    ops.add_file(agreement, claire, letter)
    ops.submit(agreement, claire, "Lettre d'intention signée par les trois présidents le 5 juin.")
    ops.validate(agreement, julien, "Accord formalisé : l'aide au démarrage peut être sollicitée.")

    convention = ops.create_milestone(
        project,
        karim,
        title="Projet de convention constitutive",
        description="Projet de convention relu par les trois structures et l'avocat.",
        area="strategie",
        planned_date=date(2026, 11, 30),
        deliverables="Projet de convention constitutive ; note sur l'administrateur.",
    )
    ops.add_link(
        convention,
        karim,
        "https://partage.example.org/gcsms-luberon-ventoux/convention-v3",
        "Projet de convention, version 3",
    )
    ops.submit(convention, karim, "Version 3 relue par l'avocat ; merci pour votre validation.")

    ops.create_milestone(
        project,
        claire,
        title="Assemblée constitutive",
        description="Signature de la convention et désignation de l'administrateur.",
        area="strategie",
        planned_date=date(2027, 1, 21),
        closes_stage="concretisation",
        deliverables="Procès-verbal de l'assemblée ; convention signée.",
    )
    ops.create_milestone(
        project,
        p["sophie"],
        title="Démarrage de l'astreinte mutualisée",
        description="Première nuit d'astreinte commune aux trois services.",
        area="rh",
        planned_date=date(2027, 3, 1),
        deliverables="Planning d'astreinte ; procédure d'appel ; fiches de poste.",
    )


def _story_demo(ctx) -> None:
    """The smaller projects' milestones: one awaiting the adviser, or a merger behind them."""
    project, julien = ctx.project, ctx.people["julien"]
    first, second = ctx.directors[0], ctx.directors[-1]
    if ctx.story == "emergence":
        diagnostic = ops.create_milestone(
            project,
            first,
            title="Diagnostic partagé des besoins",
            description="État des lieux des plannings, remplacements et zones couvertes.",
            area="strategie",
            planned_date=date(2026, 11, 20),
            closes_stage="emergence",
            deliverables="Note de diagnostic commune.",
        )
        ops.submit(diagnostic, first, "Diagnostic terminé, relu par les deux directions.")
        ops.create_milestone(
            project,
            second,
            title="Décision des conseils d'administration",
            area="strategie",
            planned_date=date(2027, 2, 15),
            is_agreement=True,
        )
        return
    merger = ops.create_milestone(
        project,
        first,
        title="Fusion effective",
        description="Traité de fusion approuvé par les deux assemblées générales.",
        area="strategie",
        planned_date=date(2025, 9, 30),
        closes_stage="soutien_financier",
        is_agreement=True,
    )
    ops.submit(merger, first, "Traité de fusion signé le 26 septembre.")
    ops.validate(merger, julien, "Fusion réalisée : l'évaluation peut commencer.")
    review = ops.create_milestone(
        project,
        second,
        title="Bilan à un an",
        description="Bilan de la première année de fonctionnement commun.",
        area="pilotage",
        planned_date=date(2026, 10, 31),
        deliverables="Bilan qualitatif et financier pour le Conseil départemental.",
    )
    ops.submit(review, second, "Première version du bilan.")
    ops.send_back(review, julien, "Ajoutez la comparaison des heures réalisées avant et après.")
