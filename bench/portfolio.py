"""The adviser's portfolio of 200 projects beside its floor (issue 17).

    .venv/bin/python bench/portfolio.py [--pg-url URL] [--seconds 10] [--projects 200]

Seeds the big project (bench/seed.py), then 199 more projects the same adviser accompanies,
each with 20 tasks (some late), 6 milestones (late, submitted, returned, validated), 4
indicators of 12 measurements and 10 activity entries. Serves the app as the Procfile does
(gunicorn -k gevent, one worker) with the floor beside it (a bare Flask page of the same rows,
bench/floor.py) and loads the portfolio at concurrency 1 and 8, then again with its filters
and as CSV, and once more right after a change (a task moved late in one of the projects:
the page has no cache, so this shows it). Prints a Markdown table. Not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.run import database, machine, seeded, serve  # noqa: E402

PORT = 5231
STAGES = ["emergence", "accompagnement", "concretisation", "soutien_financier", "evaluation"]
MILESTONE_STATUS = ["validated", "planned", "submitted", "returned", "planned", "planned"]


def add_projects(app, adviser_id: int, count: int) -> None:
    """``count`` more projects accompanied by the adviser, with their rows."""
    from plugins.board.models import Task
    from plugins.board.setup import ensure_columns
    from plugins.indicators.models import Indicator, Measurement
    from plugins.milestones.models import Milestone
    from workspace.extensions import db
    from workspace.models import Activity, Membership, Project, User

    today = date.today()
    with app.app_context(), app.test_request_context():
        directors = list(db.session.scalars(db.select(User.id).order_by(User.id).offset(3)))
        for n in range(count):
            p = Project(
                name=f"Projet {n:03d} de mutualisation",
                form="gcsms",
                territory=f"Territoire {n % 17}",
                stage=STAGES[n % 5],
                start_date=date(2025, 1, 1),
                end_date=date(2027, 6, 30),
            )
            db.session.add(p)
            db.session.flush()
            db.session.add(Membership(user_id=adviser_id, project_id=p.id, role="adviser"))
            for d in (directors[n % 20], directors[(n + 1) % 20]):
                db.session.add(Membership(user_id=d, project_id=p.id, role="director"))
            columns = ensure_columns(p)
            for i in range(20):
                col = columns[i % len(columns)]
                db.session.add(
                    Task(
                        project_id=p.id,
                        column_id=col.id,
                        position=i // len(columns),
                        title=f"Tâche {i}",
                        due_date=today + timedelta(days=i * 7 - 40),
                        created_by_id=directors[n % 20],
                    )
                )
            for i, status in enumerate(MILESTONE_STATUS):
                db.session.add(
                    Milestone(
                        project_id=p.id,
                        title=f"Jalon {i + 1}",
                        planned_date=today + timedelta(days=45 * i - 100),
                        status=status,
                        created_by_id=directors[n % 20],
                    )
                )
            for i in range(4):
                ind = Indicator(
                    project_id=p.id,
                    name=f"Indicateur {i + 1}",
                    area="pilotage",
                    kind="quantity",
                    unit="heures",
                    direction="higher",
                    baseline_value=Decimal(100),
                    baseline_date=date(2025, 1, 1),
                    target_value=Decimal(200),
                    target_date=date(2026, 12, 31),
                    frequency="monthly",
                    position=i,
                )
                db.session.add(ind)
                db.session.flush()
                for k in range(12):
                    end = date(2025, k + 2, 1) - timedelta(days=1) if k < 11 else date(2025, 12, 31)
                    db.session.add(
                        Measurement(
                            project_id=p.id,
                            indicator_id=ind.id,
                            period=f"2025-{k + 1:02d}",
                            period_end=end,
                            value=Decimal(100 + 5 * k + i),
                            entered_by_id=directors[n % 20],
                            review_status=["accepted", "pending", "accepted"][k % 3],
                        )
                    )
            for i in range(10):
                db.session.add(
                    Activity(
                        project_id=p.id,
                        actor_id=directors[n % 20],
                        verb="task:updated",
                        object_type="task",
                        summary=f"a modifié la tâche n° {i}",
                        created_at=datetime.now(UTC) - timedelta(hours=n + 24 * i),
                    )
                )
            if n % 20 == 19:
                db.session.commit()
        db.session.commit()


def change_one(base: str, cookie: str, project: int, column: int) -> None:
    """A change in one project (a new task on its board) through the app, as a user would."""
    path = f"/projects/{project}/board/"
    session, token = load.signed_in(base, cookie, path)
    form = {"title": "Tâche ajoutée", "quick": "1", "column_id": column, "csrf_token": token}
    r = session.post(base + path + "tasks", data=form, timeout=30)
    r.raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--projects", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="coop-portfolio-"))
    db_kind = "postgresql" if args.pg_url else "sqlite"
    url = database(db_kind, args.pg_url, tmp, "coop_portfolio_bench")
    env, data = seeded(url, tmp)
    adviser = data["adviser"]
    os.environ.update(env)
    from workspace import create_app

    add_projects(
        create_app({"INSTANCE_PATH": env["WORKSPACE_INSTANCE_PATH"]}),
        adviser["id"],
        args.projects - 1,
    )
    app = serve("workspace.wsgi:app", PORT, 1, env)
    floor = serve("bench.floor:app", PORT + 1, 1, env)
    base, floor_base = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT + 1}"
    floor_path = f"/floor/portfolio/{adviser['id']}"
    pages = [
        ("portfolio", "/portfolio"),
        ("portfolio, alerts only, by lateness", "/portfolio?attention=1&sort=overdue"),
        ("portfolio as CSV", "/portfolio.csv"),
    ]
    rows = []
    try:
        session, _token = load.signed_in(base, adviser["cookie"], "/portfolio")
        fresh = session.cookies.get("session")
        page = session.get(base + "/portfolio", timeout=60)
        assert page.status_code == 200 and page.text.count('<th scope="row">') == args.projects
        for _name, path in pages:  # warm both, check they answer
            for _ in range(3):
                assert session.get(base + path, timeout=60).status_code == 200, path
                assert requests.get(floor_base + floor_path, timeout=60).status_code == 200
        for c in (1, 8):
            floor_res = load.page(floor_base, floor_path, "", c, args.seconds)
            for name, path in pages:
                rows.append((name, c, load.page(base, path, fresh, c, args.seconds), floor_res))
        after = []
        for _ in range(20):  # each time a change, then the page, timed alone
            change_one(base, data["coordinator"]["cookie"], data["project"], data["columns"][0])
            start = time.perf_counter()
            assert session.get(base + "/portfolio", timeout=60).status_code == 200
            after.append((time.perf_counter() - start) * 1000)
        after_ms = sorted(after)
        res = load.Result(len(after), after_ms[10], after_ms[-1], 0.0, 0)
        rows.append(("portfolio right after a change", 1, res, rows[0][3]))
        size = len(page.content) / 1024
    finally:
        for proc in (app, floor):
            proc.terminate()
            proc.wait(timeout=20)
    kind = "PostgreSQL" if args.pg_url else "SQLite"
    print("\n".join(machine()))
    print(
        f"- database: {kind}; gunicorn -k gevent, one worker; {args.projects} projects, "
        f"page {size:.0f} kB\n"
    )
    load.print_floor_table(rows)


if __name__ == "__main__":
    main()
