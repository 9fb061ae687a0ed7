"""Demo content (DEMO.md): ~40 tasks across the four areas, moved along so that the activity
log tells the story of the plan of action."""

from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from workspace.extensions import db
from workspace.projects.demo_story import tiny_pdf

from . import operations as ops
from . import setup
from .attachments import add_file

# (title, area, organisation key, assignee keys, column index, due in days, labels, sub-items)
TASKS = [
    (
        "Rédiger le projet de convention constitutive",
        "strategie",
        "luberon",
        ["claire"],
        1,
        12,
        ["Juridique"],
        [
            "Relire le modèle du Pôle",
            "Arbitrer le siège du groupement",
            "Envoyer aux conseils d'administration",
        ],
    ),
    (
        "Choisir l'administrateur du groupement",
        "strategie",
        "luberon",
        ["claire", "karim"],
        2,
        -6,
        ["Gouvernance"],
        [],
    ),
    (
        "Définir la répartition des droits de vote",
        "strategie",
        "comtat",
        ["karim"],
        1,
        20,
        ["Gouvernance"],
        ["Simuler trois scénarios", "Valider en comité de pilotage"],
    ),
    (
        "Présenter le projet aux conseils d'administration",
        "strategie",
        None,
        ["claire", "karim", "sophie"],
        3,
        -40,
        ["Gouvernance"],
        [],
    ),
    ("Rédiger la lettre d'intention commune", "strategie", "luberon", ["claire"], 3, -90, [], []),
    (
        "Cartographier l'offre de service sur le territoire",
        "strategie",
        "cavaillon",
        ["sophie"],
        3,
        -70,
        [],
        [],
    ),
    (
        "Préparer l'assemblée constitutive",
        "strategie",
        "luberon",
        ["claire"],
        0,
        60,
        ["Gouvernance"],
        ["Convocations", "Ordre du jour", "Réservation de la salle"],
    ),
    (
        "Informer la mairie de Cavaillon et le CCAS",
        "strategie",
        "cavaillon",
        ["sophie"],
        2,
        -3,
        [],
        [],
    ),
    (
        "Définir le périmètre des appels d'offres communs",
        "strategie",
        "comtat",
        ["karim"],
        0,
        75,
        [],
        [],
    ),
    (
        "Recenser les conventions collectives applicables",
        "rh",
        "comtat",
        ["karim"],
        1,
        -10,
        ["Juridique"],
        ["BAD (branche de l'aide à domicile)", "CCN 51", "Statut CCAS"],
    ),
    (
        "Chiffrer l'astreinte de nuit mutualisée",
        "rh",
        "cavaillon",
        ["sophie"],
        1,
        8,
        ["Astreinte"],
        ["Volume d'heures de nuit", "Coût par structure", "Comparaison avec l'existant"],
    ),
    (
        "Organiser le planning de l'astreinte de week-end",
        "rh",
        "luberon",
        ["claire"],
        0,
        45,
        ["Astreinte"],
        [],
    ),
    (
        "Consulter les CSE sur la mise à disposition",
        "rh",
        "comtat",
        ["karim"],
        2,
        -15,
        ["Juridique"],
        [],
    ),
    (
        "Recenser les besoins de formation communs",
        "rh",
        "cavaillon",
        ["sophie"],
        3,
        -30,
        ["Formation"],
        [],
    ),
    (
        "Construire le plan de formation mutualisé 2027",
        "rh",
        "cavaillon",
        ["sophie", "claire"],
        0,
        90,
        ["Formation"],
        ["Tutorat", "Gestes et postures", "Bientraitance"],
    ),
    (
        "Harmoniser les fiches de poste des astreintes",
        "rh",
        "luberon",
        ["claire"],
        1,
        25,
        ["Astreinte"],
        [],
    ),
    (
        "Définir le protocole de transmission de nuit",
        "rh",
        "comtat",
        ["karim"],
        0,
        50,
        ["Astreinte"],
        [],
    ),
    (
        "Choisir le logiciel de paie commun",
        "rh",
        "luberon",
        ["karim", "claire"],
        2,
        5,
        ["Paie"],
        ["Trois devis", "Démonstrations"],
    ),
    ("Préparer la reprise des dossiers de paie", "rh", "comtat", ["karim"], 0, 100, ["Paie"], []),
    (
        "Préparer la demande d'aide au démarrage",
        "gestion",
        "luberon",
        ["claire"],
        1,
        15,
        ["Financement"],
        [
            "Devis du consultant juridique",
            "Devis de l'audit financier",
            "Lettre au Conseil départemental",
        ],
    ),
    (
        "Établir le budget prévisionnel du groupement",
        "gestion",
        "comtat",
        ["karim"],
        1,
        -2,
        ["Financement"],
        ["Charges de structure", "Clés de répartition 40/35/25"],
    ),
    (
        "Valider les clés de répartition des coûts",
        "gestion",
        None,
        ["claire", "karim", "sophie"],
        3,
        -20,
        ["Financement"],
        [],
    ),
    (
        "Obtenir les devis du consultant juridique",
        "gestion",
        "luberon",
        ["claire"],
        3,
        -25,
        ["Financement"],
        [],
    ),
    (
        "Lancer l'audit financier des trois structures",
        "gestion",
        "cavaillon",
        ["sophie"],
        2,
        10,
        ["Financement"],
        [],
    ),
    (
        "Étudier l'impact fiscal du groupement",
        "gestion",
        "comtat",
        ["karim"],
        0,
        40,
        ["Juridique"],
        [],
    ),
    ("Préparer l'avenant aux CPOM", "gestion", "luberon", ["claire"], 0, 120, ["Financement"], []),
    (
        "Mutualiser les achats de matériel d'hygiène",
        "gestion",
        "cavaillon",
        ["sophie"],
        0,
        80,
        [],
        [],
    ),
    ("Ouvrir le compte bancaire du groupement", "gestion", "luberon", ["claire"], 0, 70, [], []),
    ("Comparer les contrats d'assurance", "gestion", "comtat", ["karim"], 1, -1, [], []),
    (
        "Définir les indicateurs de suivi avec l'évaluatrice",
        "pilotage",
        "luberon",
        ["claire"],
        3,
        -35,
        ["Évaluation"],
        [],
    ),
    (
        "Collecter les données de référence 2025",
        "pilotage",
        "cavaillon",
        ["sophie"],
        3,
        -28,
        ["Évaluation"],
        [],
    ),
    (
        "Mesurer le taux de continuité du week-end (T1)",
        "pilotage",
        "comtat",
        ["karim"],
        3,
        -14,
        ["Évaluation"],
        [],
    ),
    (
        "Mesurer le délai de réponse à une demande (T2)",
        "pilotage",
        "cavaillon",
        ["sophie"],
        1,
        18,
        ["Évaluation"],
        [],
    ),
    (
        "Répondre à la question de l'évaluatrice sur le turnover",
        "pilotage",
        "comtat",
        ["karim"],
        2,
        -4,
        ["Évaluation"],
        [],
    ),
    (
        "Préparer le comité de pilotage de juin",
        "pilotage",
        "luberon",
        ["claire"],
        0,
        30,
        ["Gouvernance"],
        ["Tableau de bord", "Compte rendu précédent"],
    ),
    (
        "Rédiger le bilan intermédiaire pour le financeur",
        "pilotage",
        "luberon",
        ["claire", "sophie"],
        0,
        55,
        [],
        [],
    ),
    (
        "Mettre en place l'enquête de satisfaction des usagers",
        "pilotage",
        "cavaillon",
        ["sophie"],
        0,
        110,
        ["Évaluation"],
        [],
    ),
    (
        "Suivre les heures de formation par salarié",
        "pilotage",
        "comtat",
        ["karim"],
        1,
        35,
        ["Formation"],
        [],
    ),
    ("Organiser le retour d'expérience avec le Pôle", "pilotage", None, ["claire"], 0, 150, [], []),
    ("Archiver les anciens plannings d'astreinte", "rh", "luberon", ["claire"], 3, -60, [], []),
]
LABELS = [
    ("Juridique", "#7a4f9a"),
    ("Gouvernance", "#2b5d9b"),
    ("Astreinte", "#b3261e"),
    ("Formation", "#2f7d6d"),
    ("Paie", "#8a5a00"),
    ("Financement", "#b5652b"),
    ("Évaluation", "#1e7a46"),
]


# The smaller demo projects (workspace/projects/demo_more.py): (title, area, column, due in days)
STORY_TASKS = {
    "emergence": [
        ("Recenser les plannings et les remplacements de chaque service", "rh", 1, 12),
        ("Comparer les logiciels de planification", "gestion", 0, 25),
        ("Réunir les deux conseils d'administration", "strategie", 0, -3),
        ("Rédiger la note d'opportunité pour le Pôle", "strategie", 0, 40),
    ],
    "durance": [
        ("Harmoniser les contrats de travail", "rh", 3, -60),
        ("Fusionner les comptes bancaires", "gestion", 3, -40),
        ("Recueillir la satisfaction des personnes aidées", "pilotage", 1, 10),
        ("Préparer le bilan à un an pour le Conseil départemental", "pilotage", 0, -5),
    ],
}


def demo(ctx) -> None:
    """Create the tasks in "À faire", then move them along, tick sub-items, archive one."""
    if ctx.story != "main":
        return _story_demo(ctx)
    project, people = ctx.project, ctx.people
    columns = setup.ensure_columns(project)
    claire = people["claire"]
    labels = {name: setup.add_label(project, claire, name, color) for name, color in LABELS}
    created = []
    for i, (title, area, org, who, col, due, tags, subs) in enumerate(TASKS):
        actor = people[who[0]]
        task = ops.create_task(
            project,
            actor,
            columns[0],
            title=title,
            area=area,
            organisation_id=ctx.orgs[org].id if org else None,
            assignees=[people[k] for k in who],
            labels=[labels[t] for t in tags],
            priority=("haute" if due < 0 else "urgente" if due < 10 else "normale"),
            start_date=ctx.today - timedelta(days=40 + i),
            due_date=ctx.today + timedelta(days=due),
            description=f"Tâche du plan d'action : {title.lower()}.",
        )
        for title_s in subs:
            ops.add_subitem(task, actor, title_s)
        created.append((task, col, who))
    db.session.flush()
    for task, col, who in created:
        if col:
            actor = people[who[0]]
            if col >= 2:
                ops.move_task(task, actor, columns[1], 0)
            ops.move_task(task, actor, columns[col], 0)
            if col == 3:
                for item in task.subitems:
                    ops.toggle_subitem(item, actor, True)
    # Half-done checklists on tasks in progress.
    for task, col, who in created:
        if col == 1 and task.subitems:
            ops.toggle_subitem(task.subitems[0], people[who[0]], True)
    ops.archive_task(created[-1][0], claire)
    # A quote attached to the audit task (the panel's « Pièces jointes »).
    audit = next((t for t, _c, _w in created if "audit" in t.title.lower()), created[0][0])
    quote = FileStorage(
        io.BytesIO(tiny_pdf("Devis - audit financier des trois structures")),
        filename="devis-audit-financier.pdf",
        content_type="application/pdf",
    )
    add_file(audit, people["sophie"], quote)


def _story_demo(ctx) -> None:
    """A few tasks of a smaller project, some late, shared between its directors."""
    columns = setup.ensure_columns(ctx.project)
    directors = ctx.directors
    for i, (title, area, col, due) in enumerate(STORY_TASKS.get(ctx.story, [])):
        actor = directors[i % len(directors)]
        task = ops.create_task(
            ctx.project,
            actor,
            columns[0],
            title=title,
            area=area,
            organisation_id=actor.organisation_id,
            assignees=[actor],
            due_date=ctx.today + timedelta(days=due),
        )
        if col:
            ops.move_task(task, actor, columns[col], 0)
