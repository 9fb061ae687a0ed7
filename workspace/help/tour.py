"""First-visit tour: a few steps per role in a <dialog>, remembered per user once dismissed.

``tour_progress`` records which tours a person has finished or skipped; the dialog is rendered
(by the help topbar hook) only while no row exists. static/js/tour.js drives it (no inline
script: CSP) and posts to ``help.tour_seen``.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from workspace.extensions import db
from workspace.models import IdMixin, UTCDateTime, utcnow

# Role guide page → the tour's steps (title, text). Labels quoted verbatim from the pages.
TOURS: dict[str, list[tuple[str, str]]] = {
    "directeur": [
        (
            _l("Bienvenue dans le projet"),
            _l(
                "Le menu de gauche mène aux espaces partagés : Plan de projet, Tâches, "
                "Checklists, Jalons, Financement, Indicateurs et Discussions. Ce que vous "
                "modifiez apparaît aussitôt chez les autres partenaires."
            ),
        ),
        (
            _l("Les tâches"),
            _l(
                "Dans Tâches, « Nouvelle tâche » ajoute une carte ; déplacez-la d'une colonne à "
                "l'autre à la souris ou avec Alt + flèches."
            ),
        ),
        (
            _l("Les jalons"),
            _l(
                "Quand un jalon est prêt, « Soumettre au conseiller » : le conseiller du Pôle le "
                "valide ou vous le renvoie avec ce qui doit être repris."
            ),
        ),
        (
            _l("Besoin d'aide ?"),
            _l("Le « ? » en haut de la page ouvre le guide de votre rôle, pas à pas."),
        ),
    ],
    "coordinateur": [
        (
            _l("Vous coordonnez ce projet"),
            _l(
                "En plus du plan commun, vous invitez les membres et réglez le projet : voyez "
                "Membres et Paramètres dans le menu de gauche."
            ),
        ),
        (
            _l("Inviter les partenaires"),
            _l(
                "Membres → « Inviter une personne » : chaque personne reçoit un lien valable "
                "7 jours et rejoint le projet avec son rôle."
            ),
        ),
        (
            _l("Démarrer le plan"),
            _l(
                "Sur un projet neuf, Checklists propose de choisir un modèle selon la forme de "
                "coopération ; Tâches peut partir d'un modèle de tâches."
            ),
        ),
        (
            _l("Besoin d'aide ?"),
            _l("Le « ? » en haut de la page ouvre le guide de la coordination, pas à pas."),
        ),
    ],
    "conseiller": [
        (
            _l("Vous accompagnez ce projet"),
            _l(
                "Vous lisez tout, commentez, vérifiez les checklists et validez les jalons que "
                "les partenaires vous soumettent."
            ),
        ),
        (
            _l("Les jalons à valider"),
            _l(
                "Ouvrez un jalon soumis : « Valider le jalon » ou « Renvoyer à reprendre » avec "
                "un motif. « Jalons à valider » les rassemble pour tous vos projets."
            ),
        ),
        (
            _l("Besoin d'aide ?"),
            _l("Le « ? » en haut de la page ouvre le guide du conseiller, pas à pas."),
        ),
    ],
    "evaluateur": [
        (
            _l("Vous évaluez ce projet"),
            _l(
                "Indicateurs liste les indicateurs et les mesures « à examiner » que les "
                "partenaires ont saisies."
            ),
        ),
        (
            _l("Examiner une mesure"),
            _l(
                "Sur la page d'un indicateur, « Examiner cette mesure » : acceptée, question "
                "posée ou rejetée ; la direction responsable est notifiée."
            ),
        ),
        (
            _l("Besoin d'aide ?"),
            _l("Le « ? » en haut de la page ouvre le guide de l'évaluation, pas à pas."),
        ),
    ],
    "financeur": [
        (
            _l("Vous suivez ce projet"),
            _l(
                "Vous voyez tout le projet en lecture seule : tâches, jalons, financement, "
                "indicateurs et discussions."
            ),
        ),
        (
            _l("Le tableau de bord et les bilans"),
            _l(
                "Tableau de bord résume l'avancement ; « Bilans » → « Produire un bilan » "
                "génère le bilan en PDF, DOCX ou version imprimable."
            ),
        ),
        (
            _l("Besoin d'aide ?"),
            _l("Le « ? » en haut de la page ouvre le guide du financeur."),
        ),
    ],
}


class TourProgress(IdMixin, db.Model):
    """One finished or skipped tour of one person."""

    __revision__ = False  # one person's tour (workspace/cache/revisions.py)
    __tablename__ = "tour_progress"
    __table_args__ = (UniqueConstraint("user_id", "tour"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    tour: Mapped[str] = mapped_column(String(40))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def has_seen(user, tour: str) -> bool:
    return (
        db.session.scalar(db.select(TourProgress.id).filter_by(user_id=user.id, tour=tour))
        is not None
    )


def mark_seen(user, tour: str) -> None:
    """Remember the tour as seen (idempotent, also under a double click's race)."""
    if tour not in TOURS or has_seen(user, tour):
        return
    try:
        with db.session.begin_nested():
            db.session.add(TourProgress(user_id=user.id, tour=tour))
    except IntegrityError:
        pass  # the other request of a double click recorded it first
