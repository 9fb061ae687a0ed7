"""Plain factories with sensible defaults: ``create_project(members={user: "director"})``."""

from __future__ import annotations

import itertools
from datetime import date

from workspace.auth.credentials import hash_password
from workspace.extensions import db
from workspace.models import Membership, Organisation, Project, User

PASSWORD = "mot-de-passe-de-test-42"
_HASH = hash_password(PASSWORD)  # hashing is slow: once per test session
_seq = itertools.count(1)


def create_org(name: str | None = None, **fields) -> Organisation:
    org = Organisation(name=name or f"Organisation {next(_seq)}", **fields)
    db.session.add(org)
    db.session.commit()
    return org


def create_user(
    name: str | None = None, *, email: str | None = None, organisation=None, **fields
) -> User:
    n = next(_seq)
    user = User(
        name=name or f"Personne {n}",
        email=email or f"personne{n}@example.org",
        organisation=organisation or create_org(),
        password_hash=_HASH,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def create_project(
    members: dict | None = None, *, name: str | None = None, coordinators=(), **fields
) -> Project:
    """A project; ``members`` maps users to roles; ``coordinators`` lists director users who
    coordinate. Partners are the directors' organisations."""
    fields.setdefault("form", "gcsms")
    fields.setdefault("stage", "accompagnement")
    fields.setdefault("start_date", date(2026, 2, 2))
    fields.setdefault("end_date", date(2027, 6, 30))
    project = Project(name=name or f"Projet {next(_seq)}", **fields)
    db.session.add(project)
    db.session.flush()
    for user, role in (members or {}).items():
        db.session.add(
            Membership(
                user_id=user.id, project_id=project.id, role=role, coordinator=user in coordinators
            )
        )
        if role == "director" and user.organisation not in project.partners:
            project.partners.append(user.organisation)
    db.session.commit()
    return project


def project_with_roles(**fields):
    """A project with one user per role plus a coordinator and an outsider.

    Returns ``(project, people)`` where people has keys coordinator, director, adviser,
    evaluator, funder, outsider, admin.
    """
    people = {
        "coordinator": create_user("Claire Coordinatrice"),
        "director": create_user("Karim Directeur"),
        "adviser": create_user("Julien Conseiller", organisation=create_org(kind="network")),
        "evaluator": create_user("Nadia Évaluatrice", organisation=create_org(kind="consultancy")),
        "funder": create_user("Pierre Financeur", organisation=create_org(kind="funder")),
        "outsider": create_user("Olivier Extérieur"),
        "admin": create_user("Alice Admin", is_admin=True),
    }
    project = create_project(
        {
            people["coordinator"]: "director",
            people["director"]: "director",
            people["adviser"]: "adviser",
            people["evaluator"]: "evaluator",
            people["funder"]: "funder",
        },
        coordinators=[people["coordinator"]],
        **fields,
    )
    return project, people


def create_indicator(project, actor, **fields):
    """An indicator through the operations: a percentage to raise from 80 to 97 by mid-2027,
    measured quarterly (``fields`` override any of these)."""
    from decimal import Decimal

    from plugins.indicators import operations

    values = {
        "name": "Taux de continuité le week-end",
        "area": "pilotage",
        "kind": "percentage",
        "unit": "%",
        "direction": "higher",
        "baseline_value": Decimal(80),
        "baseline_date": date(2025, 12, 31),
        "target_value": Decimal(97),
        "target_date": date(2027, 6, 30),
        "frequency": "quarterly",
    }
    return operations.create_indicator(project, actor, **{**values, **fields})
