"""Two smaller demo projects at other stages, so that the Pôle's portfolio and the funder's
view compare several projects: one just emerging, one merged and being evaluated. Same
people for the Pôle, the evaluation and the funder; their own partners and directors."""

from __future__ import annotations

from datetime import date

from workspace.extensions import db
from workspace.models import Membership, Project, utcnow
from workspace.operations import create_project
from workspace.projects.demo_story import PASSWORD, DemoContext, org_of, tell, user_of

ORGANISATIONS = {
    "ventoux": (
        "ADMR du Haut-Vaucluse",
        "association",
        "Vaison-la-Romaine",
        "#5b7f2b",
        "74516168230403",
    ),
    "sault": ("SSIAD du Pays de Sault", "ssiad", "Sault", "#2b7f7a", "34098220181162"),
    "pertuis": ("Aide à domicile de Pertuis", "saad", "Pertuis", "#8c3d7a", "47953657892365"),
    "durance": ("Entraide Durance", "association", "Cadenet", "#3d5a8c", "74131518286434"),
}

PEOPLE = {
    # key: (email, name, organisation, label)
    "elodie": ("elodie.vidal@demo.coopilote.fr", "Élodie Vidal", "ventoux", "directrice"),
    "marc": ("marc.arnaud@demo.coopilote.fr", "Marc Arnaud", "sault", "directeur"),
    "helene": ("helene.morel@demo.coopilote.fr", "Hélène Morel", "pertuis", "directrice"),
    "thomas": ("thomas.girard@demo.coopilote.fr", "Thomas Girard", "durance", "directeur"),
}

STORIES = {
    "emergence": {
        "name": "Mutualisation des services du Ventoux",
        "form": "mutualisation",
        "stage": "emergence",
        "partners": ("ventoux", "sault"),
        "summary": (
            "Deux services du nord Vaucluse étudient la mise en commun de leur planification "
            "et de leurs remplacements."
        ),
        "territory": "Vaucluse (Vaison-la-Romaine, Sault)",
        "dates": (date(2026, 9, 1), date(2027, 12, 31)),
        # person: (role, coordinator)
        "members": {"elodie": ("director", True), "marc": ("director", False),
                    "julien": ("adviser", False)},
    },
    "durance": {
        "name": "Fusion des services d'aide de la Durance",
        "form": "fusion",
        "stage": "evaluation",
        "partners": ("pertuis", "durance"),
        "summary": (
            "Deux associations d'aide à domicile du sud Luberon ont fusionné ; la première "
            "année de fonctionnement commun est évaluée pour le Conseil départemental."
        ),
        "territory": "Vaucluse (Pertuis, Cadenet)",
        "dates": (date(2025, 3, 3), date(2026, 12, 31)),
        "members": {"helene": ("director", True), "thomas": ("director", False),
                    "julien": ("adviser", False), "nadia": ("evaluator", False),
                    "pierre": ("funder", False)},
    },
}  # fmt: skip


def load_more(people: dict, orgs: dict) -> list[tuple[str, str, str]]:
    """Create (once) the two projects; return their directors' logins."""
    orgs = {**orgs, **{key: org_of(key, ORGANISATIONS) for key in ORGANISATIONS}}
    people = {**people, **{k: user_of(p[0], p[1], orgs[p[2]]) for k, p in PEOPLE.items()}}
    db.session.flush()
    for key, story in STORIES.items():
        if db.session.scalar(db.select(Project).filter_by(name=story["name"])) is None:
            _create(key, story, people, orgs)
    return [
        (p[0], PASSWORD, f"{p[1]} — {p[3]} ({ORGANISATIONS[p[2]][0]})") for p in PEOPLE.values()
    ]


def _create(key: str, story: dict, people: dict, orgs: dict) -> None:
    started = utcnow()
    members = story["members"]
    coordinator = next(people[k] for k, (_r, coord) in members.items() if coord)
    start, end = story["dates"]
    project = create_project(
        coordinator,
        name=story["name"],
        form=story["form"],
        stage=story["stage"],
        partners=[orgs[k] for k in story["partners"]],
        summary=story["summary"],
        territory=story["territory"],
        start_date=start,
        end_date=end,
        options={"demo": True},
    )
    for person, (role, coord) in members.items():
        if people[person] is not coordinator:
            db.session.add(
                Membership(
                    user_id=people[person].id, project_id=project.id, role=role, coordinator=coord
                )
            )
    db.session.flush()
    directors = tuple(k for k, (role, _c) in members.items() if role == "director")
    ctx = DemoContext(
        project=project,
        people={k: people[k] for k in members},
        orgs=orgs,
        story=key,
        director_keys=directors,
    )
    tell(ctx, started)
