"""A live update's delay to 50, 200 or 500 open tabs of one project, nothing missed.

    .venv/bin/python bench/fanout.py [--clients 50 200 500] [--workers 1 2] [--comments 20]

For each number of workers and of tabs: seeds a project with a writer and N readers (SQLite),
serves it as the Procfile does (gunicorn, gevent workers; two workers share Socket.IO rooms
through Redis), opens the tabs with the real python-socketio client from several processes
(100 tabs each, on gevent: the clients' own parsing must not be what is measured) and joins
them to the project's room. Then the writer posts ``--comments`` comments, one every 250 ms;
each tab notes when each notice arrives (the tabs first join and the server settles: the
joins' presence announcements sent; a late notice is waited for up to 20 s). Prints, per
setup: the delay from the POST to each arrival (p50 / p99 / max), to the last tab (p50 / p99),
the notices missed or received twice, and the server's CPU. Not a test: the numbers depend
on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import cpu_seconds, percentile  # noqa: E402
from bench.realtime_bench import commenter, free_port, seed_readers, wait_ready  # noqa: E402
from bench.run import REDIS_URL, serve, stop, workers_of  # noqa: E402

PER_PROCESS = 100
LOG = Path(tempfile.gettempdir()) / "coop-fanout-server.log"  # the servers' output, appended


def open_tabs(url: str, project: int, readers: list, tmp: Path, per_process: int):
    """Client processes with every tab joined; returns (processes, their output files)."""
    procs, outs, readies = [], [], []
    for n, first in enumerate(range(0, len(readers), per_process)):
        spec = {
            "url": url,
            "project": project,
            "first": first,
            "cookies": [r["cookie"] for r in readers[first : first + per_process]],
            "ready": str(tmp / f"ready{n}"),
            "stop": str(tmp / "stop"),
            "out": str(tmp / f"out{n}.json"),
        }
        (tmp / f"spec{n}.json").write_text(json.dumps(spec))
        client = [
            sys.executable,
            str(ROOT / "bench" / "fanout_client.py"),
            str(tmp / f"spec{n}.json"),
        ]
        procs.append(subprocess.Popen(client, cwd=ROOT))
        outs.append(Path(spec["out"]))
        readies.append(Path(spec["ready"]))
    deadline = time.monotonic() + 300
    while not all(r.exists() for r in readies):
        if time.monotonic() > deadline or any(p.poll() not in (None, 0) for p in procs):
            raise RuntimeError("the tabs did not all join")
        time.sleep(0.2)
    return procs, outs


def settle(pids: list[int], quiet: float = 0.05, limit: float = 180) -> float:
    """Wait until the workers are idle (the joins' presence announcements all sent): the
    comments then measure the live update, not the end of the storm. Returns the wait."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        before = cpu_seconds(pids)
        time.sleep(0.5)
        if (cpu_seconds(pids) - before) / 0.5 < quiet:
            break
    return time.perf_counter() - start


def post_comments(url: str, project: int, cookie: str, n: int) -> dict[int, float]:
    """Post ``n`` comments on the project's thread; their ids and wall-clock start times."""
    http, thread, token = commenter(url, project, cookie)
    started = {}
    for i in range(n):
        t0 = time.time()
        r = http.post(
            thread,
            data={"body": f"Diffusion {i}", "csrf_token": token, "key": f"fanout-{i:06d}"},
            headers={"Accept": "application/json"},
            timeout=30,
        )
        r.raise_for_status()
        started[r.json()["id"]] = t0
        time.sleep(0.25)
    return started


def one_setup(workers: int, clients: int, comments: int, per_process: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="coop-fanout-") as name:
        tmp = Path(name)
        env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSPACE_")}
        db_url = f"sqlite:///{tmp / 'bench.sqlite'}"
        env |= {"WORKSPACE_SECRET_KEY": "bench-secret", "WORKSPACE_DATABASE_URL": db_url}
        env |= {"WORKSPACE_INSTANCE_PATH": str(tmp / "instance")}
        if workers > 1:
            env["WORKSPACE_REDIS_URL"] = REDIS_URL
        data = seed_readers(env | {"WORKSPACE_ASYNC_MODE": "threading"}, tmp, db_url, clients)
        port = free_port()
        server = serve("workspace.wsgi:app", port, workers, env, LOG)
        url = f"http://127.0.0.1:{port}"
        wait_ready([url])
        procs = []
        try:
            joined = time.perf_counter()
            procs, outs = open_tabs(url, data["project"], data["readers"], tmp, per_process)
            pids = workers_of(server.pid)
            settled = settle(pids) + time.perf_counter() - joined
            cpu, wall = cpu_seconds(pids), time.perf_counter()
            started = post_comments(url, data["project"], data["writer"]["cookie"], comments)
            cpu = (cpu_seconds(pids) - cpu) / (time.perf_counter() - wall)
            (tmp / "stop").write_text(json.dumps([str(cid) for cid in started]))
            for p in procs:
                p.wait(timeout=120)
            arrivals: dict[str, list] = {}
            disconnects = []
            for out in outs:
                seen = json.loads(out.read_text())
                disconnects += seen["disconnects"]
                for cid, got in seen["arrivals"].items():
                    arrivals.setdefault(cid, []).extend(got)
        finally:
            (tmp / "stop").touch()
            for p in procs:
                if p.poll() is None:
                    p.kill()
            stop(server)
    summary = summarise(started, arrivals, clients, workers, cpu)
    reasons = Counter(str(reason) for _index, _t, reason in disconnects)
    if reasons:
        print(f"{workers} worker(s), {clients} tabs: disconnections by reason {dict(reasons)}")
    return summary | {"settled": settled, "disconnected": len(disconnects)}


def summarise(started: dict, arrivals: dict, clients: int, workers: int, cpu: float) -> dict:
    each, last, missed, twice = [], [], 0, 0
    for cid, t0 in started.items():
        got = arrivals.get(str(cid), [])
        tabs = [index for index, _t in got]
        twice += len(tabs) - len(set(tabs))
        missed += clients - len(set(tabs))
        delays = [(t - t0) * 1000 for _index, t in got]
        each += delays
        if delays:
            last.append(max(delays))
    return {
        "workers": workers,
        "clients": clients,
        "each p50": statistics.median(each),
        "each p99": percentile(each, 0.99),
        "each max": max(each),
        "last p50": statistics.median(last),
        "last p99": percentile(last, 0.99),
        "missed": missed,
        "twice": twice,
        "cpu": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--comments", type=int, default=20)
    parser.add_argument(
        "--per-process", type=int, default=PER_PROCESS, help="tabs per client process"
    )
    args = parser.parse_args()
    rows = [
        one_setup(w, n, args.comments, args.per_process) for w in args.workers for n in args.clients
    ]
    print(
        "\n| workers | tabs | joined and settled | POST → each arrival p50 / p99 / max "
        "| → the last tab p50 / p99 | missed · twice · tabs disconnected | server CPU |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['workers']}{' + Redis' if r['workers'] > 1 else ''} | {r['clients']} | "
            f"{r['settled']:.1f} s | "
            f"{r['each p50']:.0f} / {r['each p99']:.0f} / {r['each max']:.0f} ms | "
            f"{r['last p50']:.0f} / {r['last p99']:.0f} ms | {r['missed']} · {r['twice']} · "
            f"{r['disconnected']} | {r['cpu']:.2f} |"
        )


if __name__ == "__main__":
    main()
