"""Every page a user opens, beside the floor of the same rows (issue « Every page fast »).

    .venv/bin/python bench/pages.py [--pg-url URL] [--seconds 8] [--only NAME,NAME]

Seeds the big project (bench/seed.py: 500 tasks, 30 members, the four checklists, 20
milestones, 60 indicators × 24 measurements), then what the other pages need to be long: 49
more projects of its adviser (the project list shows 50), 500 comments on the project's
discussion, 10,000 activity entries, 200 notifications for the coordinator, a funding file
of 8 lines with expenses. Serves the app as the Procfile does (gunicorn -k gevent, one
worker) with the floor beside it (bench/floor.py: bare SQL + Jinja tables of the same rows,
bench/floor_pages.py) and loads each page at concurrency 1 then 8 with wrk. Prints a
Markdown table: p50, p99, the floor's p50 and the ratio, per page. Not a test: the numbers
depend on the machine; the targets are p50 ≤ 2× the floor at c=1 and p99 ≤ 200 ms at c=8.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.long_lists import add_comments  # noqa: E402
from bench.portfolio import add_projects  # noqa: E402
from bench.run import database, print_floor_report, seeded, serve, stop  # noqa: E402

PORT = 5241
PROJECTS, ACTIVITY, NOTIFICATIONS = 50, 10_000, 200


def add_activity(db, models, project: int, users: list[int], count: int) -> None:
    """``count`` more entries on the project's hash chain (the log verifies it)."""
    from workspace.events import _hash, entry_fields

    last = db.session.scalars(
        db.select(models.Activity).filter_by(project_id=project).order_by(models.Activity.id.desc())
    ).first()
    prev, start = last.entry_hash, last.created_at + timedelta(minutes=5)
    for i in range(count):
        entry = models.Activity(
            project_id=project,
            actor_id=users[i % len(users)],
            verb="checklist:item_updated",
            object_type="checklist_item",
            summary=f"a mis à jour le point de contrôle n° {i}",
            summary_en=f"updated checklist item #{i}",
            created_at=start + timedelta(minutes=7 * i),
        )
        entry.prev_hash = prev
        entry.entry_hash = prev = _hash(prev, entry_fields(entry))
        db.session.add(entry)
        if i % 2000 == 1999:
            db.session.flush()


def add_notifications(db, user: int, project: int, actors: list[int]) -> None:
    from workspace.notifications.center import Notification

    now = datetime.now(UTC)
    for i in range(NOTIFICATIONS):
        db.session.add(
            Notification(
                user_id=user,
                project_id=project,
                actor_id=actors[i % len(actors)],
                kind="comment",
                text=f"Nouveau commentaire sur la tâche n° {i}",
                text_en=f"New comment on task #{i}",
                url=f"/projects/{project}/board/",
                detail="Pouvez-vous relire le planning avant jeudi ?",
                created_at=now - timedelta(hours=i),
                read_at=now if i >= 20 else None,
            )
        )


def add_funding(db, project: int, funder: int, author: int) -> None:
    from plugins.funding.models import FundingExpense, FundingLine

    kinds = ["startup_aid", "operating_grant", "cpom", "partner_contribution", "other"]
    for i in range(8):
        line = FundingLine(
            project_id=project,
            funder_id=funder,
            kind=kinds[i % 5] if i else "startup_aid",
            status=["paid", "granted", "requested", "planned"][i % 4],
            purpose_category="consultant" if i == 0 else "other",
            purpose=f"Financement n° {i} du projet",
            amount_requested=Decimal(12000 if i == 0 else 5000 + 1000 * i),
            amount_granted=Decimal(12000 if i == 0 else 4000 + 1000 * i) if i % 4 < 2 else None,
            amount_paid=Decimal(6000) if i % 4 == 0 else None,
        )
        db.session.add(line)
        db.session.flush()
        for k in range(5):
            db.session.add(
                FundingExpense(
                    line_id=line.id,
                    spent_on=date(2026, 1 + k, 10),
                    supplier=f"Cabinet n° {k}",
                    description="Accompagnement juridique",
                    amount=Decimal(800 + 10 * k),
                    created_by_id=author,
                )
            )


def add_extras(env: dict, data: dict) -> int:
    """Everything beyond the seed the pages need; returns the first indicator's id."""
    os.environ.update(env)
    from workspace import create_app, models
    from workspace.extensions import db

    p = data["project"]
    app = create_app({"INSTANCE_PATH": env["WORKSPACE_INSTANCE_PATH"]})
    add_projects(app, data["adviser"]["id"], PROJECTS - 1)
    with app.app_context(), app.test_request_context():
        members = list(
            db.session.scalars(db.select(models.Membership.user_id).filter_by(project_id=p))
        )
        count = db.session.scalar(db.select(db.func.count()).where(models.Activity.project_id == p))
        add_activity(db, models, p, members, ACTIVITY - count)
        add_notifications(db, data["coordinator"]["id"], p, members)
        funder = db.session.scalar(db.select(models.Organisation.id).filter_by(kind="funder"))
        add_funding(db, p, funder, data["coordinator"]["id"])
        db.session.commit()
    indicator = add_comments(env, p)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # planner statistics, as autovacuum keeps
            with db.engine.connect() as conn:
                conn.execute(db.text("ANALYZE"))
                conn.commit()
    return indicator


def pages(data: dict, indicator: int) -> list[tuple[str, str, str, str]]:
    """(name, whose session, path, floor path) of every page measured."""
    p, coordinator, adviser = data["project"], data["coordinator"]["id"], data["adviser"]["id"]
    floor = "/floor/page/{}?user={}"
    return [
        ("project list, 50 projects", "adviser", "/", floor.format("projects", adviser)),
        ("overview", "coordinator", f"/projects/{p}/", floor.format("overview", coordinator)),
        ("dashboard", "coordinator", f"/projects/{p}/dashboard/", floor.format("dashboard", 0)),
        ("board, 500 tasks", "coordinator", f"/projects/{p}/board/", "/floor"),
        ("checklists", "coordinator", f"/projects/{p}/checklists/", floor.format("checklists", 0)),
        ("milestones", "coordinator", f"/projects/{p}/milestones/", floor.format("milestones", 0)),
        ("funding, 8 lines", "coordinator", f"/projects/{p}/funding/", floor.format("funding", 0)),
        (
            "indicators, 60",
            "coordinator",
            f"/projects/{p}/indicators/",
            floor.format("indicators", 0),
        ),
        (
            "one indicator, 24 measurements",
            "coordinator",
            f"/projects/{p}/indicators/{indicator}",
            f"/floor/indicator/{indicator}",
        ),
        (
            "discussion, 500 comments",
            "coordinator",
            f"/projects/{p}/comments/thread/project/{p}",
            f"/floor/thread/project/{p}",
        ),
        (
            "activity log, 10,000 entries",
            "coordinator",
            f"/projects/{p}/activity",
            floor.format("activity", 0),
        ),
        (
            "notifications, 200",
            "coordinator",
            "/notifications/",
            floor.format("notifications", coordinator),
        ),
        ("members, 30", "coordinator", f"/projects/{p}/members/", floor.format("members", 0)),
        (
            "funder report 2026-S2 (the PDF's HTML)",
            "funder",
            f"/projects/{p}/dashboard/reports/view?period=2026-S2",
            floor.format("report", 0),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--only", default="", help="comma-separated words of the pages to load")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="coop-pages-"))
    url = database("postgresql" if args.pg_url else "sqlite", args.pg_url, tmp, "coop_pages_bench")
    env, data = seeded(url, tmp)
    indicator = add_extras(env, data)
    env["BENCH_PROJECT"] = str(data["project"])
    measured = pages(data, indicator)
    if args.only:
        words = args.only.split(",")
        measured = [m for m in measured if any(w in m[0] for w in words)]
    app = serve("workspace.wsgi:app", PORT, 1, env)
    floor = serve("bench.floor:app", PORT + 1, 1, env)
    base, floor_base = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT + 1}"
    rows, sizes = [], []
    try:
        cookies = {}
        for role in ("coordinator", "adviser", "funder"):
            session, _token = load.signed_in(base, data[role]["cookie"], "/")
            cookies[role] = (session, session.cookies.get("session"))
        for name, role, path, floor_path in measured:  # warm both, check they answer
            for _ in range(3):
                r = cookies[role][0].get(base + path, timeout=60)
                assert r.status_code == 200, (path, r.status_code)
                assert requests.get(floor_base + floor_path, timeout=60).status_code == 200
            sizes.append(f"{name} {len(r.content) / 1024:.0f} kB")
        for c in (1, 8):
            for name, role, path, floor_path in measured:
                floor_res = load.page(floor_base, floor_path, "", c, args.seconds)
                res = load.page(base, path, cookies[role][1], c, args.seconds)
                rows.append((name, c, res, floor_res))
    finally:
        stop(app, floor)
    print_floor_report(args.pg_url, "pages: " + ", ".join(sizes), rows)


if __name__ == "__main__":
    main()
