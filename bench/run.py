"""Benchmarks of Coopilote served as in production (`make bench`).

    .venv/bin/python bench/run.py [--quick] [--no-postgres] [--pg-url URL] [--redis-url URL]

For each database (SQLite, PostgreSQL) and each setup (gunicorn -k gevent with one worker;
two workers sharing Socket.IO rooms and rate limits through Redis), seeds a 500-task project
(bench/seed.py), starts the server and the floor (bench/floor.py), then loads them from a
separate process at concurrency 1 and 8 with a member's session cookie: board page, board
page right after a change (a task move, then the page, timed alone: the body is rendered
again), task move, checklist page, dashboard, comment post. GET pages are loaded with wrk when it is
installed (`make bench` installs it: its C client leaves the 2-core machine to the server),
the POSTs by bench/load.py (threads + requests, CSRF token from the page). Then 50 Socket.IO
clients measure comment POST → arrival at every client (bench/realtime_bench.py) and the
workers' RSS under that load. Finally the SQL statements per page at 50 and 2,000 tasks
(bench/sqlcount.py). Prints a Markdown table and writes it to bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import load, realtime_bench, sqlcount  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coop_perf"
REDIS_URL = "redis://127.0.0.1:6379/7"
PORT = 5201
SECRET = "bench-secret-key"
GUNICORN = [sys.executable, "-m", "gunicorn", "-k", "gevent", "--graceful-timeout", "3"]


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    load1, load5, load15 = os.getloadavg()
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} CPUs ({cpu}), {int(mem) / 1024 / 1024:.1f} GB RAM, "
        f"Python {platform.python_version()}",
        f"- load average at start: {load1:.2f} {load5:.2f} {load15:.2f} "
        "(other processes share the machine: compare ratios, not absolute numbers)",
    ]


def workers_of(master: int) -> list[int]:
    """The gunicorn workers: children of the master process."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


class Pid:
    """What realtime_bench expects of a process: a ``pid``."""

    def __init__(self, pid: int):
        self.pid = pid


def serve(
    app: str, port: int, workers: int, env: dict, log: Path | None = None
) -> subprocess.Popen:
    """Start gunicorn as the Procfile does; its output goes to ``log`` (else nowhere)."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 — the child keeps it
    proc = subprocess.Popen(
        [*GUNICORN, "-w", str(workers), "--bind", f"127.0.0.1:{port}", app],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=out,
    )
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            if len(workers_of(proc.pid)) >= workers:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"{app} did not start on port {port}")


def stop(*procs: subprocess.Popen) -> None:
    """Stop the served processes (the app, its floor)."""
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=20)


def print_floor_report(pg_url: str, detail: str, rows) -> None:
    """The machine, the setup (``detail``: what was loaded) and the table beside the floor."""

    kind = "PostgreSQL" if pg_url else "SQLite"
    print("\n".join(machine()))
    print(f"- database: {kind}; gunicorn -k gevent, one worker; {detail}\n")
    load.print_floor_table(rows)


def scenarios(data: dict, base: str) -> dict:
    p, tasks, cols = data["project"], data["tasks"], data["columns"]
    json_accept = {"Accept": "application/json"}

    def move(st, n):
        s, token = st
        form = {"column_id": cols[n % len(cols)], "position": 0, "confirm": "y"}
        url = f"{base}/projects/{p}/board/tasks/{tasks[(n * 7) % len(tasks)]}/move"
        return s.post(url, data={**form, "csrf_token": token}, headers=json_accept, timeout=30)

    def board_after_change(st, n):
        """A task move, then the board page (timed alone): the page is rendered again, as
        after any change (its cards mostly come from the card cache)."""
        move(st, n)
        start = time.perf_counter()
        r = st[0].get(f"{base}/projects/{p}/board/", timeout=30)
        r.timed_ms = (time.perf_counter() - start) * 1000
        return r

    def comment(st, n):
        s, token = st
        url = f"{base}/projects/{p}/comments/thread/task/{tasks[n % len(tasks)]}"
        form = {"body": f"Point d'étape n° {n}", "csrf_token": token, "key": uuid.uuid4().hex}
        return s.post(url, data=form, headers=json_accept, timeout=30)

    return {  # a path: a GET page; a function: a scenario run by bench/load.py
        "board page": f"/projects/{p}/board/",
        "board page after a change": board_after_change,
        "task move": move,
        "checklist page": f"/projects/{p}/checklists/",
        "dashboard": f"/projects/{p}/dashboard/",
        "comment post": comment,
    }


def page(base: str, path: str):
    return lambda st, n: st[0].get(base + path, timeout=30)


def database(kind: str, pg_url: str, tmp: Path, name: str = "coop_perf_bench") -> str:
    """A fresh database: SQLite in ``tmp``, or the PostgreSQL database ``name`` on ``pg_url``."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite'}"
    return sqlcount._fresh_pg(pg_url, name)


def seeded(url: str, tmp: Path, tasks: int = 500, redis_url: str = "") -> tuple[dict, dict]:
    """(environment of the served processes, the seed's ids and cookies) for a fresh
    database at ``url``, with the instance folder in ``tmp``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSPACE_")}
    env |= {
        "WORKSPACE_SECRET_KEY": SECRET,
        "WORKSPACE_DATABASE_URL": url,
        "WORKSPACE_INSTANCE_PATH": str(tmp / "instance"),
        "BENCH_DATABASE_URL": url,
    }
    if redis_url:
        env["WORKSPACE_REDIS_URL"] = redis_url
    command = [sys.executable, "bench/seed.py", "--tasks", str(tasks), "--url", url]
    done = subprocess.run(
        [*command, "--instance", str(tmp / "instance")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return env, json.loads(done.stdout.strip().splitlines()[-1])


def one_setup(kind: str, workers: int, args, tmp: Path) -> dict:
    """Seed, serve, load; returns the rows of this setup."""
    url = database(kind, args.pg_url, tmp)
    env, data = seeded(url, tmp, redis_url=args.redis_url if workers > 1 else "")
    base, floor_base = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT + 1}"
    app = serve("workspace.wsgi:app", PORT, workers, env)
    floor = serve("bench.floor:app", PORT + 1, 1, env)
    out: dict = {"kind": kind, "workers": workers, "rows": []}
    try:
        cookie = data["coordinator"]["cookie"]
        board = f"/projects/{data['project']}/board/"

        def session():
            return load.signed_in(base, cookie, board)

        warm = session()
        for _ in range(5):
            size = len(warm[0].get(base + board).content)
            requests.get(floor_base + "/floor")
        out["html_kb"] = size / 1024
        out["rss_idle"] = sum(realtime_bench.rss_mb(pid) for pid in workers_of(app.pid))
        n, secs = (40, 6) if args.quick else (300, 15)
        floor_results = {}
        fresh_cookie = warm[0].cookies.get("session")
        for c in (1, 8):
            if load.WRK:  # GET pages: wrk, whose client costs the machine almost nothing
                floor_results[c] = load.wrk(floor_base + "/floor", None, c, secs)
            else:
                floor_results[c] = load.run(
                    requests.Session, lambda s, i: s.get(floor_base + "/floor"), c, n, secs
                )
            out["rows"].append(("floor (bare Flask, 500 rows)", c, floor_results[c], None))
            for name, fn in scenarios(data, base).items():
                if load.WRK and isinstance(fn, str):
                    res = load.wrk(base + fn, fresh_cookie, c, secs)
                else:
                    res = load.run(
                        session, page(base, fn) if isinstance(fn, str) else fn, c, n, secs
                    )
                ratio = res.p50 / floor_results[c].p50 if name.startswith("board page") else None
                out["rows"].append((name, c, res, ratio))
        readers = [{"cookie": data["adviser"]["cookie"]}] * args.clients
        rt = realtime_bench.measure(
            {"project": data["project"], "writer": data["coordinator"], "readers": readers},
            [base],
            [Pid(pid) for pid in workers_of(app.pid)],
            10 if args.quick else 30,
        )
        out["realtime"] = rt
    finally:
        for proc in (app, floor):
            proc.terminate()
            proc.wait(timeout=20)
    return out


def report(setups: list[dict], counts, args) -> list[str]:
    lines = ["# Coopilote benchmarks", "", *machine_lines, ""]
    lines += [
        "## HTTP (gunicorn -k gevent, 500-task project)",
        "",
        "| database | workers | page | concurrency | requests | p50 (ms) | p99 (ms) | req/s "
        "| errors | p50 / floor |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in setups:
        label = "1" if s["workers"] == 1 else f"{s['workers']} + Redis"
        for name, c, r, ratio in s["rows"]:
            lines.append(
                f"| {s['kind']} | {label} | {name} | {c} | {r.n} | {r.p50:.1f} | {r.p99:.1f} "
                f"| {r.rps:.1f} | {r.errors} | {'' if ratio is None else f'{ratio:.2f}×'} |"
            )
    lines += [
        "",
        f"## Board page size, memory and realtime ({args.clients} Socket.IO clients)",
        "",
        "| database | workers | board HTML (kB) | RSS idle (MB) | RSS under realtime load (MB) "
        "| comment → all clients p50 (ms) | p99 (ms) | lost |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in setups:
        rt = s["realtime"]
        lines.append(
            f"| {s['kind']} | {s['workers']} | {s['html_kb']:.0f} | {s['rss_idle']:.0f} "
            f"| {rt['rss']:.0f} | {rt['p50']:.1f} | {rt['p99']:.1f} | {rt['lost']} |"
        )
    lines += ["", "## SQL statements per page (SQLite, in-process)", "", *sqlcount.table(counts)]
    return lines


def main() -> None:
    global machine_lines
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (fewer requests)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", REDIS_URL))
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    machine_lines = machine()
    setups = []
    kinds = ["sqlite"] + ([] if args.no_postgres else ["postgresql"])
    for kind in kinds:
        for workers in (1, 2):
            with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
                print(f"… {kind}, {workers} worker(s)", file=sys.stderr, flush=True)
                setups.append(one_setup(kind, workers, args, Path(tmp)))
    counts = sqlcount.counts()
    text = "\n".join(report(setups, counts, args)) + "\n"
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text(text)


machine_lines: list[str] = []

if __name__ == "__main__":
    main()
