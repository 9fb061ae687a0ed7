"""The demo project (see shared/domain/DEMO.md): invented people and organisations.

The core creates the organisations, people and project; each plugin's ``demo(ctx)`` adds its
content through its own operations, so the activity log tells the story. Idempotent: a second
run only resets the demo passwords.
"""

from __future__ import annotations

from datetime import date

from workspace.extensions import db
from workspace.models import Membership, Project, utcnow
from workspace.operations import create_project
from workspace.projects.demo_intake import load_intake
from workspace.projects.demo_more import load_more
from workspace.projects.demo_story import (
    PASSWORD,
    DemoContext,
    org_of,
    tell,
    user_of,
)

PROJECT_NAME = "GCSMS Domicile Luberon-Ventoux"

ORGANISATIONS = {
    "luberon": (
        "Association Aide et Présence du Luberon",
        "saad",
        "Apt",
        "#2f7d6d",
        "41678942826243",
    ),
    "comtat": ("Soins à Domicile du Comtat", "ssiad", "Carpentras", "#7a4f9a", "39040838533322"),
    "cavaillon": (
        "Services à la personne de Cavaillon",
        "ccas",
        "Cavaillon",
        "#b5652b",
        "21781011663457",
    ),
    "pole": (
        "Pôle Services à la Personne PACA",
        "network",
        "Marseille",
        "#2b5d9b",
        "51996971422099",
    ),
    "cabinet": (
        "Cabinet Évaluation & Territoires",
        "consultancy",
        "Avignon",
        "#8a6d1f",
        "84660880954920",
    ),
    "cd84": ("Conseil départemental de Vaucluse", "funder", "Avignon", "#9b2b4a", "21692011650537"),
}

PEOPLE = {
    # key: (email, name, organisation, role, coordinator, label)
    "claire": (
        "claire.martin@demo.coopilote.fr",
        "Claire Martin",
        "luberon",
        "director",
        True,
        "directrice, coordinatrice",
    ),
    "karim": (
        "karim.benali@demo.coopilote.fr",
        "Karim Benali",
        "comtat",
        "director",
        False,
        "directeur",
    ),
    "sophie": (
        "sophie.roux@demo.coopilote.fr",
        "Sophie Roux",
        "cavaillon",
        "director",
        False,
        "directrice",
    ),
    "julien": (
        "julien.faure@demo.coopilote.fr",
        "Julien Faure",
        "pole",
        "adviser",
        False,
        "conseiller du Pôle",
    ),
    "nadia": (
        "nadia.lopez@demo.coopilote.fr",
        "Nadia Lopez",
        "cabinet",
        "evaluator",
        False,
        "évaluatrice",
    ),
    "pierre": (
        "pierre.garnier@demo.coopilote.fr",
        "Pierre Garnier",
        "cd84",
        "funder",
        False,
        "financeur",
    ),
}

ADMIN = ("admin@demo.coopilote.fr", "Administration Coopilote")


def load_demo() -> list[tuple[str, str, str]]:
    """Create (once) and return the logins as (email, password, role label)."""
    orgs = {key: org_of(key, ORGANISATIONS) for key in ORGANISATIONS}
    people = {k: user_of(p[0], p[1], orgs[p[2]]) for k, p in PEOPLE.items()}
    user_of(ADMIN[0], ADMIN[1], orgs["pole"], admin=True)
    db.session.flush()
    project = db.session.scalar(db.select(Project).filter_by(name=PROJECT_NAME))
    if project is None:
        _create(orgs, people)
    more = load_more(people, orgs)  # two smaller projects at other stages (the portfolio)
    load_intake()  # two requests in the Pôle's inbox
    db.session.commit()
    logins = [(p[0], PASSWORD, f"{p[1]} — {p[5]}") for p in PEOPLE.values()]
    return [*logins, *more, (ADMIN[0], PASSWORD, "administration du site")]


def _create(orgs: dict, people: dict) -> None:
    started = utcnow()
    claire = people["claire"]
    project = create_project(
        claire,
        name=PROJECT_NAME,
        form="gcsms",
        stage="concretisation",
        partners=[orgs["luberon"], orgs["comtat"], orgs["cavaillon"]],
        summary=(
            "Trois organisations d'aide et de soins à domicile du Vaucluse créent un "
            "GCSMS pour mutualiser une astreinte de nuit et de week-end, la paie et la "
            "formation, et répondre ensemble aux appels d'offres."
        ),
        territory="Vaucluse (Apt, Cavaillon, Carpentras)",
        start_date=date(2026, 2, 2),
        end_date=date(2027, 6, 30),
        options={"demo": True},
    )
    for key, (_e, _n, _o, role, coordinator, _l) in PEOPLE.items():
        if key != "claire":
            db.session.add(
                Membership(
                    user_id=people[key].id,
                    project_id=project.id,
                    role=role,
                    coordinator=coordinator,
                )
            )
    db.session.flush()
    tell(DemoContext(project=project, people=people, orgs=orgs), started)
