"""Concurrency soak: writers and readers on one project, then a check that nothing was lost.

    .venv/bin/python bench/soak.py [--pg-url URL] [--redis-url URL] [--workers 2]
        [--seconds 120] [--writers 8] [--readers 40] [--think 0.2]

Seeds the 500-task project (bench/seed.py) into a fresh PostgreSQL database (SQLite with
``--pg-url ''``), serves it as in production (gunicorn -k gevent, ``--workers`` sharing
Socket.IO rooms through Redis) and, from separate client processes, runs for ``--seconds``:

- **writers** (directors, each with their own session and CSRF token) creating tasks, editing
  the description of the tasks they created (with the version they read), moving them between
  the shared columns at random places, commenting on random tasks, setting the status of
  checklist items of their own; an edit refused as stale (409) is read again and retried;
- **readers** (members of every role) opening the board, overview, dashboard, checklists,
  milestones, indicators, discussion, activity log and notifications in turn;

each pausing ``--think`` seconds between requests. Then, with the server stopped, it reads the
database: every acknowledged creation exists once, every task's description, column and every
item's status is the last one acknowledged, every comment is there once, each column's
positions are 0..n-1, the activity log's hash chain is intact. Prints the requests' p50 / p99
per kind, the errors (any answer other than the expected one, any exception) and the lost
writes. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import soak_clients  # noqa: E402
from bench.load import cpu_seconds  # noqa: E402
from bench.run import (  # noqa: E402
    PG_URL,
    REDIS_URL,
    database,
    machine,
    seeded,
    serve,
    stop,
    workers_of,
)

PORT = 5241


def people(env: dict, data: dict, writers: int) -> dict:
    """Session cookies of ``writers`` directors and of readers of every role, and the
    checklist items each writer owns."""
    os.environ.update(env)
    from bench.seed import cookie_for
    from plugins.checklists.models import Item
    from workspace import create_app
    from workspace.extensions import db
    from workspace.models import Membership

    app = create_app({"INSTANCE_PATH": env["WORKSPACE_INSTANCE_PATH"]})
    with app.app_context():
        members = db.session.scalars(
            db.select(Membership).filter_by(project_id=data["project"]).order_by(Membership.user_id)
        ).all()
        directors = [m.user for m in members if m.role == "director" and not m.coordinator]
        items = db.session.scalars(
            db.select(Item.id).filter_by(project_id=data["project"]).order_by(Item.id)
        ).all()
        return {
            "writers": [
                {"cookie": cookie_for(app, u), "items": items[i::writers][:6]}
                for i, u in enumerate(directors[:writers])
            ],
            "readers": [cookie_for(app, m.user) for m in members],
        }


def check(env: dict, project: int, acks: dict) -> dict[str, int]:
    """Compare the database with the acknowledged writes; returns counts of what is wrong."""
    from plugins.board.models import Task
    from plugins.checklists.models import Item
    from plugins.comments.models import Comment
    from workspace import create_app
    from workspace.events import verify_chain
    from workspace.extensions import db

    app = create_app({"INSTANCE_PATH": env["WORKSPACE_INSTANCE_PATH"]})
    wrong: Counter = Counter()
    with app.app_context():
        tasks = {t.id: t for t in db.session.scalars(db.select(Task).filter_by(project_id=project))}
        titles = Counter(t.title for t in tasks.values())
        for title, task_id in acks["created"].items():
            wrong["creations missing or doubled"] += titles[title] != 1 or task_id not in tasks
        acked = set(acks["created"])
        wrong["creations not acknowledged"] = sum(
            1 for t in titles if t.startswith("Soak ") and t not in acked
        )
        for task_id, text in acks["described"].items():
            wrong["descriptions lost"] += tasks[int(task_id)].description != text
        for task_id, column in acks["moved"].items():
            wrong["moves lost"] += tasks[int(task_id)].column_id != column
        by_column: dict[int, list[int]] = {}
        for t in tasks.values():
            if not t.archived and t.deleted_at is None:
                by_column.setdefault(t.column_id, []).append(t.position)
        wrong["columns with broken positions"] = sum(
            sorted(p) != list(range(len(p))) for p in by_column.values()
        )
        bodies = Counter(
            db.session.scalars(
                db.select(Comment.body).where(
                    Comment.project_id == project, Comment.body.like("Soak %")
                )
            )
        )
        wrong["comments missing or doubled"] = sum(bodies[b] != 1 for b in acks["comments"])
        wrong["comments not acknowledged"] = sum(1 for b in bodies if b not in acks["comments"])
        items = db.session.scalars(
            db.select(Item).where(Item.id.in_([int(i) for i in acks["status"]]))
        )
        status = {str(i.id): i.status for i in items}
        wrong["statuses lost"] = sum(status[i] != s for i, s in acks["status"].items())
        wrong["activity chain broken"] = verify_chain(project) is not None
    return dict(wrong)


def _database_cpu() -> float:
    """CPU seconds of the PostgreSQL server's processes so far (those that ended, gone)."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return sum(_cpu_or_zero(pid) for pid in pids)


def _cpu_or_zero(pid: int) -> float:
    try:
        return cpu_seconds([pid])
    except OSError:  # ended meanwhile
        return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=PG_URL, help="PostgreSQL server ('' for SQLite)")
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--readers", type=int, default=40)
    parser.add_argument("--think", type=float, default=0.2, help="pause between requests (s)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="coop-soak-"))
    kind = "postgresql" if args.pg_url else "sqlite"
    url = database(kind, args.pg_url, tmp, "coop_soak_bench")
    env, data = seeded(url, tmp, redis_url=args.redis_url if args.workers > 1 else "")
    who = people(env, data, args.writers)
    base = f"http://127.0.0.1:{PORT}"
    log = tmp / "server.log"
    app = serve("workspace.wsgi:app", PORT, args.workers, env, log)
    plan = soak_clients.Plan(base, data["project"], data["columns"], data["tasks"], args)
    spawn = multiprocessing.get_context("spawn")
    workers = workers_of(app.pid)
    try:
        server_cpu, database_cpu = cpu_seconds(workers), _database_cpu()
        started = time.perf_counter()
        with spawn.Pool(2 + (args.readers + 9) // 10) as pool:
            writers = pool.map_async(soak_clients.write, plan.writer_groups(who["writers"]))
            readers = pool.map_async(soak_clients.read, plan.reader_groups(who["readers"]))
            wrote, read = writers.get(), readers.get()
        wall = time.perf_counter() - started
        server_cpu = (cpu_seconds(workers) - server_cpu) / wall
        database_cpu = (_database_cpu() - database_cpu) / wall
    finally:
        stop(app)
    report = soak_clients.merge(wrote + read)
    clients_cpu = report.cpu / wall
    wrong = check(env, data["project"], report.acks)
    print("\n".join(machine()))
    print(
        f"- database: {'PostgreSQL' if args.pg_url else 'SQLite'}; gunicorn -k gevent, "
        f"{args.workers} worker(s){' + Redis' if args.workers > 1 else ''}; {args.writers} "
        f"writers, {args.readers} readers, {args.seconds:.0f} s, {args.think} s between "
        "requests\n"
    )
    report.print_table()
    print(
        f"CPU over the run (one core = 1.0): server workers {server_cpu:.2f}, "
        f"PostgreSQL {database_cpu:.2f}, client processes {clients_cpu:.2f}"
    )
    print("\n| check | wrong |\n|---|---:|")
    for name in soak_clients.CHECKS:
        print(f"| {name} | {wrong.get(name, 0)} |")
    for line in report.errors[:20]:
        print("error:", line)
    server_errors = [x for x in log.read_text().splitlines() if "rror" in x or "WARN" in x]
    print(f"\nserver log ({log}): {len(server_errors)} error lines", *server_errors[:20], sep="\n")
    failed = report.error_count or any(wrong.values())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
