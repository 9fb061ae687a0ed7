"""Demo threads: the directors and the Pôle adviser talk on the project, a task, a milestone.

Objects of other plugins are found through the activity log (``task:created`` → task ids)
and resolved through their ``Commentable``: this plugin imports none of them. A missing type
falls back to the project thread.
"""

from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from workspace.extensions import db
from workspace.models import Activity, utcnow
from workspace.plugins import commentable
from workspace.projects.demo_story import tiny_pdf

from .operations import post_comment


def _find(project, object_type: str, verb: str, words: tuple[str, ...]):
    """``(type, id)`` of the object whose label contains one of ``words`` (else the first)."""
    c = commentable(object_type)
    if c is None:
        return None
    ids = db.session.scalars(
        db.select(Activity.object_id).filter_by(project_id=project.id, verb=verb).distinct()
    ).all()
    first = None
    for object_id in sorted(i for i in ids if i):
        obj = c.resolve(project, object_id)
        if obj is None:
            continue
        first = first or (object_type, object_id)
        if any(w.lower() in c.label(obj).lower() for w in words):
            return object_type, object_id
    return first


def _draft_articles() -> bytes:
    return tiny_pdf(
        "Convention constitutive - articles 5 a 9 (projet)",
        "Article 5 - Droits et obligations des membres",
        "Article 7 - Repartition des charges : 40 / 35 / 25 %",
    )


def _upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/pdf")


def load(ctx) -> None:
    project, p = ctx.project, ctx.people
    home = ("project", project.id)
    task = _find(project, "task", "task:created", ("convention constitutive",)) or home
    milestone = _find(project, "milestone", "milestone:created", ("convention",)) or home
    threads = [
        (
            home,
            [
                (
                    "claire",
                    "Bonjour à toutes et à tous ! J'ouvre ici la discussion générale du "
                    "groupement. @Julien Faure, pouvez-vous nous rappeler le calendrier prévu pour "
                    "l'assemblée constitutive ?",
                ),
                (
                    "julien",
                    "Bien sûr. Projet de convention validé **fin du mois**, puis 6 semaines "
                    "pour les délibérations de vos conseils d'administration. "
                    "L'assemblée constitutive peut se tenir début juin.",
                    0,
                ),
                ("karim", "Notre CA se réunit le 14 : c'est compatible.", 0),
                (
                    "sophie",
                    "Pour le CCAS il faudra une délibération du conseil municipal : je "
                    "vérifie la date de la prochaine séance et je vous dis.",
                ),
            ],
        ),
        (
            task,
            [
                (
                    "karim",
                    "J'ai repris les articles 5 à 9 (droits et obligations, répartition des "
                    "charges). @Claire Martin, peux-tu relire l'article 7 sur les clés "
                    "40 / 35 / 25 % ? Le projet est joint.",
                    None,
                    ("convention-articles-5-9.pdf", _draft_articles()),
                ),
                (
                    "claire",
                    "Relu : d'accord sur les clés. Je propose d'ajouter une clause de revoyure "
                    "après le premier exercice.",
                    0,
                ),
            ],
        ),
        (
            milestone,
            [
                (
                    "julien",
                    "J'ai lu le projet de convention constitutive. Deux points à préciser "
                    "avant validation :\n\n1. la désignation de l'administrateur du groupement ;\n"
                    "2. les modalités d'adhésion d'un nouveau membre.",
                ),
                ("sophie", "Merci Julien, nous complétons ces deux articles cette semaine.", 0),
            ],
        ),
    ]
    made = []
    for (object_type, object_id), messages in threads:
        top = None
        for message in messages:
            who, text, *rest = message
            reply = bool(rest) and rest[0] == 0
            files = [_upload(*rest[1])] if len(rest) > 1 else []
            comment, _created = post_comment(
                project,
                p[who],
                object_type,
                object_id,
                text,
                top.id if reply and top else None,
                files=files,
            )
            top = top if reply else comment
            made.append(comment)
    # Spread the conversation over the last days so that it reads like one.
    now = utcnow()
    for i, comment in enumerate(made):
        comment.created_at = now - timedelta(hours=6 * (len(made) - i))
    db.session.flush()
