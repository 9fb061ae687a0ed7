"""Demo content (shared/domain/DEMO.md): the GCSMS checklists about half done."""

from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from workspace.projects.demo_story import tiny_pdf
from workspace.web.uploads import store_upload

from . import operations, queries
from .models import Status

# Items the partners decided do not apply to this groupement, with their reason.
NOT_APPLICABLE = {
    "Vérifier le sort des autorisations des services concernés": (
        "Le groupement n'exploite aucune autorisation : chaque membre garde les siennes."
    ),
    "Déterminer les apports des membres et le capital éventuel": (
        "Groupement constitué sans capital ; les locaux restent mis à disposition par Apt."
    ),
    "Organiser le dialogue social au niveau du groupement": (
        "Aucun salarié propre la première année : les personnels restent mis à disposition."
    ),
}
IN_PROGRESS = {
    "Rédiger le projet de convention constitutive",
    "Répartir les droits des membres et les droits de vote",
    "Choisir l'administrateur du groupement et préciser ses pouvoirs",
    "Organiser l'astreinte mutualisée de nuit et de week-end",
    "Rédiger les conventions de mise à disposition des personnels",
    "Préparer la demande d'aide au démarrage",
    "Analyser le régime fiscal du groupement : TVA et impôt sur les sociétés",
    "Organiser le recueil trimestriel des mesures",
}
VERIFIED = {
    "Formaliser l'accord des parties sur la création du groupement",
    "Recenser les conventions collectives applicables",
    "Définir les clés de répartition des charges entre les membres",
}


def letter_of_intent_pdf() -> bytes:
    """A tiny, valid one-page PDF: the signed letter of intent (invented)."""
    return tiny_pdf(
        "Lettre d'intention - GCSMS Domicile Luberon-Ventoux",
        "Les trois associations s'accordent pour creer le groupement.",
        "Signee a Apt le 16 mars 2026 par les trois presidents.",
    )


def load_demo(ctx) -> None:
    """GCSMS checklists, about half done, a few "non applicable", some verified by Julien."""
    if ctx.story != "main":
        return  # the smaller demo projects have none
    project = ctx.project
    if operations.setup_of(project) is None:
        operations.apply_template(project, ctx.people["claire"], "gcsms")
    directors = [ctx.people[k] for k in ("claire", "karim", "sophie")]
    julien = ctx.people["julien"]
    start = project.start_date or ctx.today
    for s_index, section in enumerate(queries.sections_of(project.id)):
        for i_index, item in enumerate(section.items):
            n = s_index * 7 + i_index
            owner = directors[n % 3]
            item.responsible_id, item.responsible_org_id = owner.id, owner.organisation_id
            # Earlier items of a section are done first: the first ~60 % of each section.
            done = i_index < round(len(section.items) * 0.6)
            # Done items were due in the past; the others are due in the coming weeks.
            past = min(start + timedelta(days=20 + 7 * n), ctx.today - timedelta(days=3 + n % 9))
            item.due_date = past if done else None
            _progress_item(item, owner, n, done, ctx)
            if not item.done and item.due_date is None:
                item.due_date = ctx.today + timedelta(days=10 + 9 * (n % 12))
            if item.label in VERIFIED:
                operations.set_verified(item, julien, True)


def _progress_item(item, owner, n, done, ctx) -> None:
    project = ctx.project
    if item.agreement:
        letter = FileStorage(
            io.BytesIO(letter_of_intent_pdf()),
            filename="lettre-intention-signee.pdf",
            content_type="application/pdf",
        )
        operations.attach_file(item, store_upload(project, letter, ctx.people["claire"]))
        item.note = "Lettre signée par les trois présidents le 16 mars 2026."
        operations.set_status(item, ctx.people["claire"], Status.FAIT.value)
    elif item.label in NOT_APPLICABLE:
        operations.set_status(item, owner, Status.NON_APPLICABLE.value, NOT_APPLICABLE[item.label])
    elif item.label in IN_PROGRESS:
        operations.set_status(item, owner, Status.EN_COURS.value)
        if n % 2:
            item.due_date = ctx.today - timedelta(days=5 + n % 20)  # a few are late
    elif done:
        operations.set_status(item, owner, Status.FAIT.value)
