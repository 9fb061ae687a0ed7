"""A reconnect storm: N tabs connect and join one project at once (a server restart), while a
member loads a page; then a comment's delivery to all of them.

    .venv/bin/python bench/reconnect_storm.py [--clients 500] [--batch 0.25] [--comments 10]
                                              [--server gevent|threading]

One server process on SQLite: by default as the Procfile serves (gunicorn, one gevent worker),
or ``--server threading`` (the comments plugin's test server). N python-socketio clients
connect from 64 at a time; with the gevent server the clients run on gevent too (greenlets,
not threads: hundreds of them no longer saturate the machine). ``--batch 0`` announces every
join at once to everyone already in the room (the behaviour before presence batching), for
comparison. Prints: how long the storm took, the presence messages the clients received, the
page's latency during the storm, then POST → arrival at every client. Not a test.
"""

from __future__ import annotations

import sys

if "threading" not in sys.argv:  # before anything imports socket or threading
    from gevent import monkey

    monkey.patch_all()

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import cpu_seconds, percentile  # noqa: E402
from bench.realtime_bench import (  # noqa: E402
    commenter,
    connect,
    free_port,
    seed_readers,
    start,
    wait_ready,
)
from bench.run import serve, workers_of  # noqa: E402


def start_gevent(clients: int, tmp: Path):
    """Seed, then serve as the Procfile does: gunicorn, one gevent worker."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSPACE_")}
    db_url = f"sqlite:///{tmp / 'bench.sqlite'}"
    env |= {"WORKSPACE_SECRET_KEY": "bench-secret", "WORKSPACE_DATABASE_URL": db_url}
    env |= {"WORKSPACE_INSTANCE_PATH": str(tmp / "instance")}
    env["WORKSPACE_PRESENCE_BATCH_SECONDS"] = os.environ["WORKSPACE_PRESENCE_BATCH_SECONDS"]
    data = seed_readers(env | {"WORKSPACE_ASYNC_MODE": "threading"}, tmp, db_url, clients)
    port = free_port()
    proc = serve("workspace.wsgi:app", port, 1, env)
    url = f"http://127.0.0.1:{port}"
    wait_ready([url])
    return data, [url], [proc]


READER = """
import json, sys, time
from pathlib import Path
import requests
page, cookie, stop = sys.argv[1], sys.argv[2], Path(sys.argv[3])
s, out = requests.Session(), []
s.headers["Cookie"] = "session=" + cookie
while not stop.exists():
    t0 = time.perf_counter()
    s.get(page, timeout=60)
    out.append((time.perf_counter() - t0) * 1000)
    time.sleep(0.1)
print(json.dumps(out))
"""


def storm(data, url, project, counter) -> tuple[list, float]:
    clients = []

    def one(reader):
        sc = socketio.Client(reconnection=False)
        sc.on("presence", lambda payload: counter.append(1))
        connect(sc, url, reader["cookie"])
        assert sc.call("join", {"project": project}, timeout=60) == {"ok": True}
        return sc

    started = time.perf_counter()
    with ThreadPoolExecutor(64) as pool:
        clients = list(pool.map(one, data["readers"]))
    return clients, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--batch", type=float, default=0.25, help="PRESENCE_BATCH_SECONDS")
    parser.add_argument("--comments", type=int, default=10)
    parser.add_argument("--server", choices=("gevent", "threading"), default="gevent")
    args = parser.parse_args()
    os.environ["WORKSPACE_PRESENCE_BATCH_SECONDS"] = str(args.batch)
    with tempfile.TemporaryDirectory(prefix="coop-storm-") as tmp:
        if args.server == "gevent":
            data, urls, procs = start_gevent(args.clients, Path(tmp))
        else:
            data, urls, procs = start(1, args.clients, Path(tmp))
        url, project = urls[0], data["project"]
        try:
            # The page is loaded from its own process: the clients' process is busy.
            stop_file = Path(tmp) / "stop"
            page = f"{url}/projects/{project}/"
            reader = subprocess.Popen(
                [sys.executable, "-c", READER, page, data["writer"]["cookie"], str(stop_file)],
                stdout=subprocess.PIPE,
                text=True,
            )
            time.sleep(1)
            presences: list = []
            servers = [w for proc in procs for w in workers_of(proc.pid)] or [p.pid for p in procs]
            cpu_before, wall_before = cpu_seconds(servers), time.perf_counter()
            mine_before = cpu_seconds([os.getpid()])
            clients, seconds = storm(data, url, project, presences)
            wall = time.perf_counter() - wall_before
            server_share = (cpu_seconds(servers) - cpu_before) / wall
            client_share = (cpu_seconds([os.getpid()]) - mine_before) / wall
            time.sleep(max(0.5, args.batch * 2))
            stop_file.touch()
            page_ms = json.loads(reader.communicate(timeout=120)[0])
            delivery = deliver(data, url, project, clients, args.comments)
            for sc in clients:
                sc.disconnect()
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=10)
    print(f"\n{args.clients} tabs joining at once, {args.server} server, batch {args.batch} s")
    print(
        "| storm | server / clients CPU | presence messages | page p50 / p99 / max during it "
        "| comment p50 / p99 |"
    )
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {seconds:.1f} s | {server_share:.0%} / {client_share:.0%} | {len(presences)} | "
        f"{percentile(page_ms, 0.5):.0f} / "
        f"{percentile(page_ms, 0.99):.0f} / {max(page_ms):.0f} ms | "
        f"{delivery[0]:.0f} / {delivery[1]:.0f} ms |"
    )


def deliver(data, url, project, clients, n: int) -> tuple[float, float]:
    arrivals: dict[int, list[float]] = {}
    lock = threading.Lock()
    for sc in clients:

        def on_notice(payload):
            if payload.get("type") == "comment:created":
                with lock:
                    arrivals.setdefault(payload["id"], []).append(time.perf_counter())

        sc.on("notice", on_notice)
    http, thread, token = commenter(url, project, data["writer"]["cookie"])
    latencies = []
    for i in range(n):
        t0 = time.perf_counter()
        r = http.post(
            thread,
            data={"body": f"Après la tempête {i}", "csrf_token": token, "key": f"storm-{i:06d}"},
            headers={"Accept": "application/json"},
        )
        cid, deadline = r.json()["id"], time.monotonic() + 15
        while time.monotonic() < deadline:
            with lock:
                if len(arrivals.get(cid, [])) >= len(clients):
                    break
            time.sleep(0.005)
        with lock:
            times = arrivals.get(cid, [])
        if times:
            latencies.append((max(times) - t0) * 1000)
    latencies.sort()
    return statistics.median(latencies), percentile(latencies, 0.99)


if __name__ == "__main__":
    main()
