"""Realtime benchmark: 50 Socket.IO clients in one project.

    .venv/bin/python bench/realtime_bench.py [--clients 50] [--comments 30]

Measures the time from the POST of a comment to its arrival at **every** client (p50/p99),
and the server's resident memory, with one process and with two processes sharing rooms
through Redis (clients split between them, comments posted on the first). Prints a table for
the README. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start(n_procs: int, clients: int, tmp: Path):
    env = os.environ | {"WORKSPACE_SECRET_KEY": "bench-secret", "WORKSPACE_ASYNC_MODE": "threading"}
    if n_procs > 1:
        env["WORKSPACE_REDIS_URL"] = REDIS_URL
    db_url = f"sqlite:///{tmp / 'bench.sqlite'}"
    run = [sys.executable, "-m", "tests.plugins.comments.serve"]
    data = seed_readers(env, tmp, db_url, clients)
    ports = [free_port() for _ in range(n_procs)]
    procs = [
        subprocess.Popen(
            [*run, "serve", str(p), str(tmp / f"p{p}"), db_url],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for p in ports
    ]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        wait_ready(urls)
    except BaseException:  # never leave server processes behind
        for p in procs:
            p.terminate()
        raise
    return data, urls, procs


def seed_readers(env: dict, tmp: Path, db_url: str, clients: int) -> dict:
    """A project with a writer and ``clients`` readers (their session cookies), in ``db_url``."""
    run = [sys.executable, "-m", "tests.plugins.comments.serve"]
    out = subprocess.run(
        [*run, "seed", str(tmp / "seed"), db_url, str(clients)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def wait_ready(urls: list[str]) -> None:
    for url in urls:
        for _ in range(150):
            try:
                requests.get(url + "/login", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)


def run(n_procs: int, clients: int, comments: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
        data, urls, procs = start(n_procs, clients, Path(tmp))
        try:
            return measure(data, urls, procs, comments)
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=10)


def connect(sc, url: str, cookie: str, tries: int = 5) -> None:
    for attempt in range(tries):
        try:
            sc.connect(url, headers={"Cookie": f"session={cookie}"}, transports=["websocket"])
            return
        except socketio.exceptions.ConnectionError:
            if attempt == tries - 1:
                raise
            time.sleep(1 + attempt)


def commenter(url: str, project: int, cookie: str) -> tuple[requests.Session, str, str]:
    """(an HTTP session of the member with ``cookie``, the project's thread URL, a CSRF token)
    to post comments on the project's discussion."""
    thread = f"{url}/projects/{project}/comments/thread/project/{project}"
    page = requests.get(thread, cookies={"session": cookie}, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    # The page stored the CSRF token in the session: carry the updated cookie.
    http = requests.Session()
    http.headers["Cookie"] = "session=" + (page.cookies.get("session") or cookie)
    return http, thread, token


def measure(data, urls, procs, comments: int) -> dict:
    project = data["project"]
    arrivals: dict[int, list[float]] = {}
    lock = threading.Lock()
    sockets = []
    for i, reader in enumerate(data["readers"]):
        sc = socketio.Client(reconnection=False)

        def on_notice(payload, _sc=sc):
            if payload.get("type") == "comment:created":
                with lock:
                    arrivals.setdefault(payload["id"], []).append(time.perf_counter())

        sc.on("notice", on_notice)
        connect(sc, urls[i % len(urls)], reader["cookie"])
        assert sc.call("join", {"project": project}, timeout=10) == {"ok": True}
        sockets.append(sc)
    http, thread, token = commenter(urls[0], project, data["writer"]["cookie"])
    latencies, lost = [], 0
    for n in range(comments):
        start = time.perf_counter()
        r = http.post(
            thread,
            data={"body": f"Message {n}", "csrf_token": token, "key": f"bench-{n:06d}"},
            headers={"Accept": "application/json"},
        )
        cid = r.json()["id"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with lock:
                got = len(arrivals.get(cid, []))
            if got >= len(sockets):
                break
            time.sleep(0.002)
        with lock:
            times = arrivals.get(cid, [])
        lost += len(sockets) - len(times)
        if times:
            latencies.append((max(times) - start) * 1000)
    rss = sum(rss_mb(p.pid) for p in procs)  # under load: the clients still connected
    for sc in sockets:
        sc.disconnect()
    latencies.sort()
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "rss": rss,
        "lost": lost,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--comments", type=int, default=30)
    args = parser.parse_args()
    rows = []
    for n_procs in (1, 2):
        res = run(n_procs, args.clients, args.comments)
        label = "1 process" if n_procs == 1 else "2 processes + Redis"
        rows.append((label, res))
    print(f"\n{args.clients} clients, {args.comments} comments, POST → arrival at every client\n")
    print("| setup | p50 (ms) | p99 (ms) | server RSS (MB) | lost |")
    print("|---|---:|---:|---:|---:|")
    for label, r in rows:
        print(f"| {label} | {r['p50']:.1f} | {r['p99']:.1f} | {r['rss']:.0f} | {r['lost']} |")


if __name__ == "__main__":
    main()
