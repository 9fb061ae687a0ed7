"""Two requests waiting in the Pôle's inbox (issue 17): one organisation wondering what
cooperation could bring, one with a project; both to qualify."""

from __future__ import annotations

from datetime import timedelta

from workspace.extensions import db
from workspace.intake.models import IntakeRequest
from workspace.models import utcnow

REQUESTS = [
    {
        "need": "information",
        "organisation": "EHPAD Les Lavandes",
        "organisation_kind": "ehpad",
        "town": "Bollène",
        "contact_name": "Anne Chabert",
        "email": "anne.chabert@ehpad-lavandes.example",
        "phone": "04 90 40 12 34",
        "message": (
            "Nous n'arrivons plus à recruter d'infirmière de nuit. Deux SSIAD du secteur "
            "ont le même problème : une coopération est-elle possible entre un EHPAD et des "
            "services à domicile ? Nous aimerions comprendre les formes possibles avant de "
            "nous engager."
        ),
        "partners": "",
        "days_ago": 3,
    },
    {
        "need": "project",
        "organisation": "CCAS de Sorgues",
        "organisation_kind": "ccas",
        "town": "Sorgues",
        "contact_name": "Lucie Fabre",
        "email": "lucie.fabre@ccas-sorgues.example",
        "phone": "",
        "message": (
            "Le conseil d'administration souhaite regrouper le service d'aide à domicile du "
            "CCAS avec l'association voisine, qui couvre les mêmes quartiers. Nous cherchons "
            "un accompagnement pour le volet RH (transfert des salariés, convention "
            "collective) et le montage juridique."
        ),
        "partners": "Sorgues Services à domicile",
        "days_ago": 1,
    },
]


def load_intake() -> None:
    """Create the two requests once (a request of the same address is kept as it is)."""
    known = set(db.session.scalars(db.select(IntakeRequest.email)))
    for spec in REQUESTS:
        if spec["email"] in known:
            continue
        fields = {k: v for k, v in spec.items() if k != "days_ago"}
        db.session.add(
            IntakeRequest(**fields, created_at=utcnow() - timedelta(days=spec["days_ago"]))
        )
