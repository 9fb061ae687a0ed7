"""Demo milestones (DEMO.md), added through the operations so the activity log tells it."""

from __future__ import annotations

import io
from datetime import date

from werkzeug.datastructures import FileStorage

from . import operations as ops


def tiny_pdf(text: str) -> bytes:
    """A minimal, valid one-page PDF showing ``text`` (ASCII), with a correct xref table."""
    safe = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 60 780 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


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
