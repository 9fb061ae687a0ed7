"""Seed a large project for the benchmarks.

    .venv/bin/python bench/seed.py --tasks 500 [--url postgresql+psycopg://…] [--instance DIR]

Creates (fast path: ORM bulk adds, one commit per kind) 6 partner organisations, 30 members,
the board's default columns with N tasks (assignees, labels, 2 comments on every 10th task),
the four checklists of the GCSMS template with every item given a status, 20 milestones with
their reviews, 60 indicators × 24 monthly measurements, and 2,000 activity entries on a valid
hash chain. Prints one JSON line: project id and signed session cookies of a coordinator, an
adviser and the funder (``WORKSPACE_SECRET_KEY`` must match the server's).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ORGS = [
    ("SAAD du Luberon", "saad"),
    ("SSIAD du Comtat", "ssiad"),
    ("CCAS de Cavaillon", "ccas"),
    ("Pôle Domicile 84", "network"),
    ("Cabinet Conseil Sud", "consultancy"),
    ("Conseil départemental 84", "funder"),
]
N_MEMBERS = 30
N_MILESTONES = 20
N_INDICATORS = 60
N_MEASUREMENTS = 24
N_ACTIVITY = 2000
AREAS = ["strategie", "rh", "gestion", "pilotage"]


def cookie_for(app, user) -> str:
    """A signed Flask session cookie for ``user`` (no password round-trip)."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": user.get_id(), "_fresh": True})


def _people(db, models):
    orgs = [models.Organisation(name=n, kind=k) for n, k in ORGS]
    db.session.add_all(orgs)
    db.session.flush()
    users = []
    for i in range(N_MEMBERS):
        org = orgs[i % 4] if i >= 3 else orgs[[4, 3, 5][i]]
        users.append(
            models.User(
                name=f"Membre {i:02d}",
                email=f"membre{i:02d}-{random.randrange(10**9)}@bench.coopilote.fr",
                organisation_id=org.id,
                password_hash="!",
            )
        )
    db.session.add_all(users)
    db.session.flush()
    return orgs, users


def _project(db, models, orgs, users):
    project = models.Project(
        name="Projet de charge",
        form="gcsms",
        stage="accompagnement",
        start_date=date(2025, 1, 1),
        end_date=date(2027, 6, 30),
    )
    db.session.add(project)
    db.session.flush()
    project.partners.extend(orgs[:4])
    roles = {0: "adviser", 1: "evaluator", 2: "funder"}
    for i, u in enumerate(users):
        db.session.add(
            models.Membership(
                user_id=u.id,
                project_id=project.id,
                role=roles.get(i, "director"),
                coordinator=i == 3,
            )
        )
    db.session.flush()
    return project


def _board(db, project, orgs, users, n_tasks: int, rnd):
    from plugins.board.models import Label, Task
    from plugins.board.setup import ensure_columns
    from plugins.comments.models import Comment

    columns = ensure_columns(project)
    labels = [Label(project_id=project.id, name=f"Étiquette {i}") for i in range(8)]
    db.session.add_all(labels)
    db.session.flush()
    tasks = []
    for i in range(n_tasks):
        col = columns[i % len(columns)]
        t = Task(
            project_id=project.id,
            column_id=col.id,
            position=i // len(columns),
            title=f"Tâche {i} : harmoniser les plannings d'intervention",
            description="Description de la tâche " * 5,
            area=rnd.choice(AREAS),
            organisation_id=orgs[i % 4].id,
            due_date=date(2026, 1, 1) + timedelta(days=i % 300),
            priority=rnd.choice(["basse", "normale", "haute"]),
            created_by_id=users[3].id,
        )
        t.assignees = [users[3 + i % 27]]
        t.labels = [labels[i % 8]]
        tasks.append(t)
    db.session.add_all(tasks)
    db.session.flush()
    comments = [
        Comment(
            project_id=project.id,
            object_type="task",
            object_id=t.id,
            author_id=users[3 + (t.id + k) % 27].id,
            body=f"Commentaire {k} sur la tâche",
            html=f"<p>Commentaire {k} sur la tâche</p>",
        )
        for t in tasks[::10]
        for k in range(2)
    ]
    db.session.add_all(comments)
    return tasks


def _checklists(db, project, orgs, users, rnd):
    from plugins.checklists import operations as checklist_ops
    from plugins.checklists.models import Item

    checklist_ops.apply_template(project, users[3], "gcsms")
    db.session.flush()
    for item in db.session.scalars(db.select(Item).filter_by(project_id=project.id)):
        item.status = rnd.choice(["a_faire", "en_cours", "fait", "fait"])
        item.responsible_org_id = rnd.choice(orgs[:4]).id
        item.due_date = date(2026, 1, 1) + timedelta(days=rnd.randrange(300))


def _milestones(db, project, users):
    from plugins.milestones.models import Milestone, MilestoneReview

    for i in range(N_MILESTONES):
        status = ["validated", "submitted", "returned", "planned"][i % 4]
        m = Milestone(
            project_id=project.id,
            title=f"Jalon {i + 1}",
            planned_date=date(2025, 3, 1) + timedelta(days=30 * i),
            status=status,
            round=1 if status != "planned" else 0,
            created_by_id=users[3].id,
        )
        db.session.add(m)
        db.session.flush()
        if status == "planned":
            continue
        db.session.add(
            MilestoneReview(
                milestone_id=m.id,
                project_id=project.id,
                round=1,
                decision="submitted",
                reason="Livrables déposés",
                actor_id=users[3].id,
            )
        )
        if status in ("validated", "returned"):
            db.session.add(
                MilestoneReview(
                    milestone_id=m.id,
                    project_id=project.id,
                    round=1,
                    decision=status,
                    reason="Relu par le conseiller",
                    actor_id=users[0].id,
                )
            )


def _indicators(db, project, orgs, users, rnd):
    from plugins.indicators.models import Indicator, Measurement

    start = date(2025, 1, 1)
    for i in range(N_INDICATORS):
        ind = Indicator(
            project_id=project.id,
            name=f"Indicateur {i + 1}",
            area=rnd.choice(AREAS),
            kind="quantity",
            unit="heures",
            direction="higher",
            baseline_value=Decimal(100),
            baseline_date=start,
            target_value=Decimal(200),
            target_date=date(2026, 12, 31),
            frequency="monthly",
            responsible_org_id=orgs[i % 4].id,
            position=i,
        )
        db.session.add(ind)
        db.session.flush()
        for k in range(N_MEASUREMENTS):
            year, month = 2025 + k // 12, k % 12 + 1
            end = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
            db.session.add(
                Measurement(
                    project_id=project.id,
                    indicator_id=ind.id,
                    period=f"{year}-{month:02d}",
                    period_end=end,
                    value=Decimal(100 + 4 * k + rnd.randrange(10)),
                    entered_by_id=users[3 + i % 27].id,
                    review_status=rnd.choice(["pending", "accepted", "accepted"]),
                )
            )


def _activity(db, models, project, users):
    from workspace.events import _hash, entry_fields

    start = datetime(2025, 1, 1, 9, tzinfo=UTC)
    prev = ""
    for i in range(N_ACTIVITY):
        entry = models.Activity(
            project_id=project.id,
            actor_id=users[3 + i % 27].id,
            verb="task:updated",
            object_type="task",
            object_id=None,
            summary=f"a modifié la tâche n° {i}",
            summary_en=f"updated task #{i}",
            created_at=start + timedelta(hours=4 * i),
        )
        entry.prev_hash = prev
        entry.entry_hash = _hash(prev, entry_fields(entry))
        prev = entry.entry_hash
        db.session.add(entry)


def seed(app, n_tasks: int, create: bool = True) -> dict:
    """Seed one large project into ``app``'s database; returns ids and session cookies."""
    from plugins.board.setup import ensure_columns
    from workspace import models
    from workspace.extensions import db

    rnd = random.Random(42)
    with app.app_context(), app.test_request_context():
        if create:
            db.create_all()
        orgs, users = _people(db, models)
        project = _project(db, models, orgs, users)
        tasks = _board(db, project, orgs, users, n_tasks, rnd)
        _checklists(db, project, orgs, users, rnd)
        _milestones(db, project, users)
        _indicators(db, project, orgs, users, rnd)
        db.session.commit()  # the operations above published entries: chain ours after
        db.session.execute(db.delete(models.Activity).filter_by(project_id=project.id))
        _activity(db, models, project, users)
        db.session.commit()
        db.session.info.pop("notices", None)
        return {
            "project": project.id,
            "tasks": [t.id for t in tasks],
            "columns": [c.id for c in ensure_columns(project)],
            "coordinator": {"id": users[3].id, "cookie": cookie_for(app, users[3])},
            "adviser": {"id": users[0].id, "cookie": cookie_for(app, users[0])},
            "funder": {"id": users[2].id, "cookie": cookie_for(app, users[2])},
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--url", default="", help="SQLAlchemy URL (default: SQLite in DIR)")
    parser.add_argument("--instance", default="", help="instance dir (default: a new temp dir)")
    args = parser.parse_args()
    from workspace import create_app

    args.instance = args.instance or tempfile.mkdtemp(prefix="coop-bench-")
    url = args.url or f"sqlite:///{Path(args.instance) / 'bench.sqlite'}"
    app = create_app({"INSTANCE_PATH": args.instance, "SQLALCHEMY_DATABASE_URI": url})
    print(json.dumps(seed(app, args.tasks)))


if __name__ == "__main__":
    main()
