"""The demo project (see shared/domain/DEMO.md): invented people and organisations.

The core creates the organisations, people and project; each plugin's ``demo(ctx)`` adds its
content through its own operations, so the activity log tells the story. Idempotent: a second
run only resets the demo passwords.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select, update

from workspace.auth.credentials import hash_password
from workspace.events import _hash, entry_fields
from workspace.extensions import db
from workspace.models import (
    Activity,
    Membership,
    Organisation,
    Project,
    User,
    UTCDateTime,
    utcnow,
)
from workspace.operations import create_project
from workspace.plugins import plugins

PROJECT_NAME = "GCSMS Domicile Luberon-Ventoux"
PASSWORD = "demo-coopilote-2026"  # noqa: S105 - the public demo password, printed

ORGANISATIONS = {
    "luberon": ("Association Aide et Présence du Luberon", "saad", "Apt", "#2f7d6d"),
    "comtat": ("Soins à Domicile du Comtat", "ssiad", "Carpentras", "#7a4f9a"),
    "cavaillon": ("Services à la personne de Cavaillon", "ccas", "Cavaillon", "#b5652b"),
    "pole": ("Pôle Services à la Personne PACA", "network", "Marseille", "#2b5d9b"),
    "cabinet": ("Cabinet Évaluation & Territoires", "consultancy", "Avignon", "#8a6d1f"),
    "cd84": ("Conseil départemental de Vaucluse", "funder", "Avignon", "#9b2b4a"),
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


@dataclass
class DemoContext:
    """What a plugin's ``demo(ctx)`` receives: the project, its people and organisations."""

    project: Project
    people: dict[str, User]
    orgs: dict[str, Organisation]
    today: date = field(default_factory=date.today)
    # "main": the GCSMS of DEMO.md, with all its content; another key names one of the
    # smaller projects of workspace/projects/demo_more.py (a plugin adds a little or nothing).
    story: str = "main"
    director_keys: tuple = ("claire", "karim", "sophie")

    @property
    def directors(self) -> list[User]:
        return [self.people[k] for k in self.director_keys]


def _org(key: str, catalogue: dict | None = None) -> Organisation:
    name, kind, town, color = (catalogue or ORGANISATIONS)[key]
    org = db.session.scalar(db.select(Organisation).filter_by(name=name))
    if org is None:
        org = Organisation(name=name, kind=kind, town=town, color=color)
        db.session.add(org)
    return org


def _user(email: str, name: str, org: Organisation, admin: bool = False) -> User:
    user = db.session.scalar(db.select(User).filter_by(email=email))
    if user is None:
        user = User(email=email, name=name, organisation=org, is_admin=admin)
        db.session.add(user)
    user.password_hash = hash_password(PASSWORD)
    user.active = True
    return user


def load_demo() -> list[tuple[str, str, str]]:
    """Create (once) and return the logins as (email, password, role label)."""
    from workspace.projects.demo_more import load_more  # it builds on this module

    orgs = {key: _org(key) for key in ORGANISATIONS}
    people = {k: _user(p[0], p[1], orgs[p[2]]) for k, p in PEOPLE.items()}
    _user(ADMIN[0], ADMIN[1], orgs["pole"], admin=True)
    db.session.flush()
    project = db.session.scalar(db.select(Project).filter_by(name=PROJECT_NAME))
    if project is None:
        _create(orgs, people)
    more = load_more(people, orgs)  # two smaller projects at other stages (the portfolio)
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


def tell(ctx: DemoContext, started: datetime) -> None:
    """Each plugin adds its content, then the project's history is spread over the months."""
    for plugin in plugins():
        if plugin.demo:
            plugin.demo(ctx)
    db.session.flush()
    when = _spread_history(ctx.project)
    _back_date(when, started, utcnow())


def _spread_history(project: Project):
    """Back-date the demo's activity over the months since the start, keeping the hash chain.

    Returns ``when(t)``: the back-dated time of an instant ``t`` of the demo's run, interpolated
    between the log entries' times before and after (for :func:`_back_date`)."""
    entries = db.session.scalars(
        db.select(Activity).filter_by(project_id=project.id).order_by(Activity.id)
    ).all()
    if not entries:
        return lambda t: t
    start = datetime.combine(project.start_date, datetime.min.time(), UTC) + timedelta(hours=9)
    span = (datetime.now(UTC) - timedelta(hours=2)) - start
    real = [e.created_at for e in entries]
    prev = ""
    for i, entry in enumerate(entries):
        entry.created_at = start + span * (i / max(len(entries) - 1, 1))
        entry.prev_hash = prev
        entry.entry_hash = _hash(prev, entry_fields(entry))
        prev = entry.entry_hash
    spread = [e.created_at for e in entries]

    def when(t: datetime) -> datetime:
        i = bisect_left(real, t)
        if i <= 0:
            return spread[0]
        if i >= len(real):
            return spread[-1]
        gap = (real[i] - real[i - 1]).total_seconds()
        part = (t - real[i - 1]).total_seconds() / gap if gap else 1.0
        return spread[i - 1] + (spread[i] - spread[i - 1]) * part

    return when


def _back_date(when, started: datetime, ended: datetime) -> None:
    """Move every timestamp written while the demo ran (a task's creation, a review, a
    comment, a validation…) to the back-dated time of that instant, so that the decisions
    shown on the pages are spread over the project's history like its activity log."""
    for table in db.metadata.sorted_tables:
        if table.name == Activity.__tablename__:
            continue  # already done, hash chain included
        columns = [c for c in table.columns if isinstance(c.type, UTCDateTime)]
        keys = list(table.primary_key.columns)
        if not columns or not keys:
            continue
        # All of a row's timestamps in one UPDATE: an updated_at left out would be set to now.
        written = or_(*[c.between(started, ended) for c in columns])
        for row in db.session.execute(select(*keys, *columns).where(written)).all():
            ids, values = row[: len(keys)], row[len(keys) :]
            moved = {
                c.name: when(v) if v is not None and started <= v <= ended else v
                for c, v in zip(columns, values, strict=True)
            }
            db.session.execute(
                update(table).where(*[k == v for k, v in zip(keys, ids, strict=True)]).values(moved)
            )
