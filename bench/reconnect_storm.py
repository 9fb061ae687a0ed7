"""A reconnect storm: N tabs connect and join one project at once (a server restart), while a
member loads a page; then a comment's delivery to all of them.

    .venv/bin/python bench/reconnect_storm.py [--clients 500] [--batch 0.25] [--comments 10]

One server process (the comments plugin's test server, threading mode, SQLite), N
python-socketio clients connecting from 64 threads at once. ``--batch 0`` announces every join
at once to everyone already in the room (the behaviour before presence batching), for
comparison. Prints: how long the storm took, the presence messages the clients received, the
page's latency during the storm, then POST → arrival at every client. Not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import percentile  # noqa: E402
from bench.realtime_bench import connect, start  # noqa: E402


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
    args = parser.parse_args()
    os.environ["WORKSPACE_PRESENCE_BATCH_SECONDS"] = str(args.batch)
    with tempfile.TemporaryDirectory(prefix="coop-storm-") as tmp:
        data, urls, procs = start(1, args.clients, Path(tmp))
        url, project = urls[0], data["project"]
        try:
            page_ms, stop = [], threading.Event()

            def reader():
                s = requests.Session()
                s.headers["Cookie"] = f"session={data['writer']['cookie']}"
                while not stop.is_set():
                    t0 = time.perf_counter()
                    s.get(f"{url}/projects/{project}/", timeout=60)
                    page_ms.append((time.perf_counter() - t0) * 1000)
                    time.sleep(0.1)

            thread = threading.Thread(target=reader)
            thread.start()
            presences: list = []
            clients, seconds = storm(data, url, project, presences)
            time.sleep(max(0.5, args.batch * 2))
            stop.set()
            thread.join()
            delivery = deliver(data, url, project, clients, args.comments)
            for sc in clients:
                sc.disconnect()
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=10)
    print(f"\n{args.clients} tabs joining at once, presence batch {args.batch} s")
    print("| storm | presence messages | page p50 / p99 / max during it | comment p50 / p99 |")
    print("|---:|---:|---:|---:|")
    print(
        f"| {seconds:.1f} s | {len(presences)} | {percentile(page_ms, 0.5):.0f} / "
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
    thread = f"{url}/projects/{project}/comments/thread/project/{project}"
    page = requests.get(thread, cookies={"session": data["writer"]["cookie"]})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    http = requests.Session()
    http.headers["Cookie"] = "session=" + (page.cookies.get("session") or data["writer"]["cookie"])
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
