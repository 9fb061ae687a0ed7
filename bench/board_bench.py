"""Board benchmark: the board page and the move endpoint under gunicorn + gevent.

    .venv/bin/python bench/board_bench.py [--sizes 50,500,2000] [--requests 200]
                                          [--pg postgresql+psycopg://user@host/db]

For each size, seeds a fresh database (SQLite in a temporary directory, or the PostgreSQL
database given with --pg, emptied first) with one project of that many tasks, serves the app
with ``gunicorn -k gevent -w 1`` on a free port, signs in, and measures with a small load
generator (threads + requests, a bounded number of requests): the board page at concurrency
1 and 8 (p50, p99, requests/s), the move endpoint at concurrency 1, and the page's HTML
size. Prints a table for the README. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "banc-d-essai-du-tableau-42"  # a throwaway bench account


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(db_url: str, instance: Path, n_tasks: int) -> dict:
    """One project, three directors, default columns and ``n_tasks`` tasks (bulk insert)."""
    from plugins.board.models import BoardColumn, Label, SubItem, Task, task_assignee, task_label
    from plugins.board.setup import ensure_columns
    from workspace import create_app
    from workspace.auth.credentials import hash_password
    from workspace.extensions import db
    from workspace.models import Membership, Organisation, Project, User

    app = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": db_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        orgs = [Organisation(name=f"Association {i}", color="#2f7d6d") for i in range(3)]
        users = [
            User(
                name=f"Direction {i}",
                email=f"direction{i}@bench.test",
                organisation=orgs[i],
                password_hash=hash_password(PASSWORD),
            )
            for i in range(3)
        ]
        project = Project(name="Banc d'essai", form="gcsms", stage="accompagnement")
        project.partners = orgs
        db.session.add_all([*orgs, *users, project])
        db.session.flush()
        for i, u in enumerate(users):
            db.session.add(
                Membership(user_id=u.id, project_id=project.id, role="director", coordinator=i == 0)
            )
        columns = ensure_columns(project)
        label = Label(project_id=project.id, name="Juridique", color="#7a4f9a")
        db.session.add(label)
        db.session.flush()
        areas = ["strategie", "rh", "gestion", "pilotage"]
        today = date.today()
        rows = [
            {
                "project_id": project.id,
                "column_id": columns[i % 4].id,
                "position": i // 4,
                "title": f"Tâche {i} du plan d'action de la coopération",
                "description": "",
                "area": areas[i % 4],
                "organisation_id": orgs[i % 3].id,
                "due_date": today + timedelta(days=(i % 30) - 10),
                "priority": "normale",
                "archived": False,
                "version": 1,
            }
            for i in range(n_tasks)
        ]
        db.session.execute(db.insert(Task), rows)
        ids = db.session.scalars(db.select(Task.id).order_by(Task.id)).all()
        db.session.execute(
            db.insert(task_assignee),
            [{"task_id": t, "user_id": users[i % 3].id} for i, t in enumerate(ids)],
        )
        db.session.execute(
            db.insert(task_label), [{"task_id": t, "label_id": label.id} for t in ids[::3]]
        )
        db.session.execute(
            db.insert(SubItem), [{"task_id": t, "title": "Étape", "done": False} for t in ids[::2]]
        )
        db.session.commit()
        result = {
            "project": project.id,
            "columns": [c.id for c in db.session.scalars(db.select(BoardColumn))],
            "tasks": ids,
            "email": users[0].email,
        }
        db.session.remove()
        db.engine.dispose()
    return result


def serve(db_url: str, instance: Path, port: int) -> subprocess.Popen:
    env = os.environ | {
        "WORKSPACE_DATABASE_URL": db_url,
        "WORKSPACE_INSTANCE_PATH": str(instance),
        "WORKSPACE_SECRET_KEY": "bench-secret-key",
        "WORKSPACE_ASYNC_MODE": "gevent",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [str(gunicorn), "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*cmd, "--log-level", "warning", "workspace.wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=20)
            return proc
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])


def sign_in(base: str, email: str) -> tuple[requests.Session, str]:
    s = requests.Session()
    page = s.get(f"{base}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    r = s.post(f"{base}/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    if "/login" in r.url:
        raise SystemExit("sign-in failed")
    home = s.get(f"{base}/").text
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', home).group(1)
    return s, csrf


def load(fn, total: int, concurrency: int) -> dict:
    """Run ``fn(i)`` ``total`` times on ``concurrency`` threads; latency stats in ms."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        nonlocal errors
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            t0 = time.perf_counter()
            try:
                ok = fn(i)
            except requests.RequestException:
                ok = False
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(dt)
                errors += 0 if ok else 1

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "rps": len(latencies) / elapsed,
        "errors": errors,
    }


def bench_size(n: int, args) -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="board-bench-"))
    db_url = args.pg or f"sqlite:///{tmp / 'bench.sqlite'}"
    data = seed(db_url, tmp, n)
    port = free_port()
    proc = serve(db_url, tmp, port)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        sessions = [sign_in(base, data["email"]) for _ in range(8)]
        url = f"{base}/projects/{data['project']}/board/"
        html = sessions[0][0].get(url).content

        def page(i):
            s, _ = sessions[i % len(sessions)]
            return s.get(url).status_code == 200

        for c in (1, 8):
            stats = load(page, args.requests, c)
            rows.append({"what": "board page", "tasks": n, "c": c, **stats, "kb": len(html) / 1024})
        cols, tasks = data["columns"], data["tasks"]

        def move(i):
            s, csrf = sessions[0]
            r = s.post(
                f"{base}/projects/{data['project']}/board/tasks/{tasks[i % len(tasks)]}/move",
                data={"column_id": cols[(i + 1) % len(cols)], "position": 0},
                headers={"X-CSRFToken": csrf, "Accept": "application/json"},
            )
            return r.status_code == 200

        stats = load(move, max(args.requests // 4, 20), 1)
        rows.append({"what": "move", "tasks": n, "c": 1, **stats, "kb": float("nan")})
    finally:
        proc.terminate()
        proc.wait(10)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500,2000")
    parser.add_argument("--requests", type=int, default=200, help="requests per measure")
    parser.add_argument("--pg", help="PostgreSQL URL of a scratch database (emptied)")
    args = parser.parse_args()
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        rows += bench_size(n, args)
    backend = "PostgreSQL" if args.pg else "SQLite"
    print(
        f"\nBoard benchmark — gunicorn -k gevent -w 1, {backend}, {args.requests} requests/measure"
    )
    print(f"| {'endpoint':<11}| tasks | conc. | p50 ms | p99 ms | req/s | errors | HTML kB |")
    print("|------------|-------|-------|--------|--------|-------|--------|---------|")
    for r in rows:
        kb = "" if r["kb"] != r["kb"] else f"{r['kb']:.0f}"
        print(
            f"| {r['what']:<11}| {r['tasks']:>5} | {r['c']:>5} | {r['p50']:>6.1f} | "
            f"{r['p99']:>6.1f} | {r['rps']:>5.1f} | {r['errors']:>6} | {kb:>7} |"
        )


if __name__ == "__main__":
    main()
