"""The REST API beside its floor: a page of 100 tasks and one task, as JSON.

    .venv/bin/python bench/api_bench.py [--pg-url URL] [--seconds 10]

Seeds the big project (bench/seed.py, 500 tasks) into a fresh SQLite file (or the PostgreSQL
database of ``--pg-url``), makes a personal access token for its coordinator, serves the app
as the Procfile does (gunicorn -k gevent, one worker) with the floor beside it
(``/floor/api/tasks``: the same 100 task rows as bare JSON, bench/floor.py), and loads with
wrk, at concurrency 1 and 8: ``GET …/board/tasks?limit=100`` (marshmallow dump of 100 tasks
with their assignees, labels and files), ``GET …/board/tasks/<id>`` (one task and its ETag).
Prints a Markdown table with p50 / p99 and the p50 ratio to the floor. Not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.run import database, print_floor_report, seeded, serve, stop  # noqa: E402

PORT = 5231


def token_and_task(env: dict, project: int) -> tuple[str, int]:
    """A write token of a coordinator of ``project`` and the id of one of its tasks."""
    os.environ.update(env)
    from plugins.board.models import Task
    from workspace import create_app
    from workspace.api.tokens_ui import create_token
    from workspace.extensions import db
    from workspace.models import Membership

    app = create_app({"INSTANCE_PATH": env["WORKSPACE_INSTANCE_PATH"]})
    with app.app_context():
        member = db.session.scalar(
            db.select(Membership).filter_by(project_id=project, coordinator=True)
        )
        _token, secret = create_token(member.user, "bench", "write", None)
        task = db.session.scalar(db.select(Task.id).filter_by(project_id=project).limit(1))
        db.session.commit()
        return secret, task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    if not load.WRK:
        sys.exit("wrk is needed (Debian package wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="coop-api-"))
    url = database("postgresql" if args.pg_url else "sqlite", args.pg_url, tmp, "coop_api_bench")
    env, data = seeded(url, tmp)
    p = data["project"]
    secret, task = token_and_task(env, p)
    env["BENCH_PROJECT"] = str(p)
    env["WORKSPACE_API_RATE_LIMIT"] = "100000000"  # the load, not the limiter
    app = serve("workspace.wsgi:app", PORT, 1, env)
    floor = serve("bench.floor:app", PORT + 1, 1, env)
    base, floor_base = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT + 1}"
    header = f"Authorization: Bearer {secret}"
    auth = {"Authorization": f"Bearer {secret}"}
    pages = [
        ("API: 100 tasks", f"/api/v1/projects/{p}/board/tasks?limit=100"),
        ("API: one task", f"/api/v1/projects/{p}/board/tasks/{task}"),
    ]
    rows = []
    try:
        for _name, path in pages:  # warm both, check they answer
            for _ in range(3):
                assert requests.get(base + path, headers=auth, timeout=30).status_code == 200
                assert requests.get(floor_base + "/floor/api/tasks", timeout=30).ok
        size = len(requests.get(base + pages[0][1], headers=auth, timeout=30).content) / 1024
        for c in (1, 8):
            floor_res = load.wrk(floor_base + "/floor/api/tasks", None, c, args.seconds)
            for name, path in pages:
                res = load.wrk(base + path, None, c, args.seconds, header)
                rows.append((name, c, res, floor_res))
    finally:
        stop(app, floor)
    print_floor_report(args.pg_url, f"100 tasks: {size:.0f} kB", rows)


if __name__ == "__main__":
    main()
