"""Co-edited plan benchmark: 20 directors typing into one section at once.

    .venv/bin/python bench/plan_bench.py [--editors 20] [--keystrokes 40] [--documents 40]

Serves Coopilote in one process (Socket.IO, as bench/realtime_bench.py does), connects
``--editors`` Socket.IO clients that each keep a Yjs document (pycrdt) and type into the same
section at about ten keystrokes a second each (each starts at a random instant and pauses
50–150 ms between keystrokes, as people do), spread over ``--client-procs`` processes (as
browsers are: one Python process for twenty clients would mostly measure its own queue).
Measures, for every update, the time from its emission to its arrival at **every other**
editor (p50/p99); then all editors send one keystroke at the same instant (the worst burst:
its slowest arrival); checks that all editors and the server end with the same text, then opens
``--documents`` sections holding about 5 kB of text each and reports the server's resident
memory per open document. Prints a table for the README. Not a test: the numbers depend on
the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import socketio
from pycrdt import Doc, Text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.realtime_bench import connect, free_port, rss_mb, wait_ready  # noqa: E402
from bench.run import database, serve, workers_of  # noqa: E402

PAUSE = 0.1  # seconds between keystrokes, on average
ENV = os.environ | {"WORKSPACE_SECRET_KEY": "bench-secret", "WORKSPACE_ASYNC_MODE": "threading"}


class _Worker:
    """The gunicorn worker (measured) inside its master (stopped)."""

    def __init__(self, master):
        self.master, self.pid = master, workers_of(master.pid)[0]

    def terminate(self):
        self.master.terminate()

    def wait(self, timeout=None):
        return self.master.wait(timeout=timeout)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def seed(instance: str, db_url: str, editors: int, documents: int) -> dict:
    """A project with ``editors`` directors and a plan of ``documents`` + 1 sections."""
    from plugins.plan import operations as ops
    from tests.factories import create_project, create_user
    from tests.plugins.comments.serve import _app, cookie_for
    from workspace.extensions import db

    app = _app(instance, db_url)
    with app.app_context(), app.test_request_context():
        db.create_all()
        people = [create_user(f"Direction {i}") for i in range(editors)]
        project = create_project(dict.fromkeys(people, "director"), coordinators=people[:1])
        sections = [
            ops.add_section(project, people[0], f"Section {n}") for n in range(documents + 1)
        ]
        db.session.commit()
        return {
            "project": project.id,
            "sections": [s.id for s in sections],
            "cookies": [cookie_for(app, u) for u in people],
        }


class Editor:
    """One director: a Socket.IO client and a Yjs document."""

    def __init__(self, url: str, cookie: str, project: int, section: int, arrivals, lock):
        self.doc, self.lock = Doc(), threading.Lock()
        self.text = self.doc.get("content", type=Text)
        self.where = {"project": project, "section": section}
        self.sc = socketio.Client(reconnection=False)

        self.received = 0

        def on_update(msg):
            now = time.monotonic()  # the machine's clock: comparable across processes
            with self.lock:
                self.doc.apply_update(bytes(msg["update"]))
                self.received += 1
            with lock:
                arrivals.setdefault(_key(msg["update"]), []).append(now)

        self.sc.on("plan:update", on_update)
        connect(self.sc, url, cookie)
        ack = self.sc.call("plan:join", self.where | {"sv": self.doc.get_state()}, timeout=10)
        assert ack["ok"], ack
        with self.lock:
            self.doc.apply_update(bytes(ack["update"]))

    def type(self, word: str) -> tuple[bytes, float]:
        with self.lock:
            before = self.doc.get_state()
            self.text.insert(len(self.text), word)
            update = self.doc.get_update(before)
        sent = time.monotonic()
        ack = self.sc.call("plan:update", self.where | {"update": update}, timeout=10)
        assert ack == {"ok": True}, ack
        return update, sent


def _key(update) -> str:
    return hashlib.sha256(bytes(update)).hexdigest()


def _typists(url, cookies, project, section, editors, keystrokes, barrier, out) -> None:
    """One client process: its share of the editors type, then send one keystroke each at the
    same instant as every other process's, then wait for everyone's updates.

    Puts ``{sent, burst, arrivals, texts}`` on ``out``: when each of its updates left (typing,
    then the burst), when each update reached each of its editors (the monotonic clock is the
    machine's, so times from several processes compare), and its editors' final texts."""
    arrivals: dict[str, list[float]] = {}
    lock = threading.Lock()
    people = [Editor(url, c, project, section, arrivals, lock) for c in cookies]
    sent: dict[str, float] = {}
    burst: dict[str, float] = {}

    def typist(ed: Editor, n: str) -> None:
        rng = random.Random(n)
        time.sleep(rng.uniform(0, PAUSE))  # people do not start on the same millisecond
        for k in range(keystrokes):
            update, at = ed.type(f"{n}.{k} ")
            with lock:
                sent[_key(update)] = at
            time.sleep(rng.uniform(0.5 * PAUSE, 1.5 * PAUSE))

    def burster(ed: Editor, n: str) -> None:
        update, at = ed.type(f"{n}.! ")
        with lock:
            burst[_key(update)] = at

    for work in (typist, burster):
        barrier.wait()  # everyone connected and joined (then: done typing): start together
        threads = [
            threading.Thread(target=work, args=(ed, f"{os.getpid()}-{n}"))
            for n, ed in enumerate(people)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    # Each editor hears every other editor's updates.
    expected = (editors - 1) * (keystrokes + 1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with lock:
            if all(ed.received >= expected for ed in people):
                break
        time.sleep(0.05)
    texts = [str(ed.text) for ed in people]
    out.put({"sent": sent, "burst": burst, "arrivals": arrivals, "texts": texts})
    for ed in people:
        ed.sc.disconnect()


def fan_out(data, url: str, editors: int, keystrokes: int, procs: int) -> dict:
    """``editors`` typing at once from ``procs`` client processes (browsers are separate
    processes too: one Python process for all of them measures its own queue)."""
    section = data["sections"][0]
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(procs), ctx.Queue()
    shares = [data["cookies"][i:editors:procs] for i in range(procs)]
    children = [
        ctx.Process(
            target=_typists,
            args=(url, share, data["project"], section, editors, keystrokes, barrier, out),
        )
        for share in shares
    ]
    for child in children:
        child.start()
    results = [out.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=10)
    sent: dict[str, float] = {}
    burst: dict[str, float] = {}
    arrivals: dict[str, list[float]] = {}
    texts: set[str] = set()
    for r in results:
        sent |= r["sent"]
        burst |= r["burst"]
        for key, times in r["arrivals"].items():
            arrivals.setdefault(key, []).extend(times)
        texts |= set(r["texts"])
    latencies, burst_latencies, lost = [], [], 0
    for updates, into in ((sent, latencies), (burst, burst_latencies)):
        for key, at in updates.items():
            got = arrivals.get(key, [])
            lost += editors - 1 - len(got)
            if got:
                into.append((max(got) - at) * 1000)
    late = Editor(url, data["cookies"][0], data["project"], section, {}, threading.Lock())
    converged = len(texts) == 1 and texts == {str(late.text)}
    late.sc.disconnect()
    latencies.sort()
    return {
        "updates": len(sent),
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "burst_max": max(burst_latencies),
        "lost": lost,
        "converged": converged,
        "chars": len(texts.pop()) if len(texts) == 1 else -1,
    }


def memory(data, url: str, pid: int, documents: int) -> dict:
    """RSS growth per open document of about 5 kB of text."""
    paragraph = "Les partenaires mettent en commun l'astreinte de nuit. " * 90  # ≈ 5 kB
    before = rss_mb(pid)
    clients = []
    for section in data["sections"][1 : documents + 1]:
        ed = Editor(url, data["cookies"][0], data["project"], section, {}, threading.Lock())
        ed.type(paragraph)
        clients.append(ed)
    time.sleep(0.5)
    after = rss_mb(pid)
    for ed in clients:
        ed.sc.disconnect()
    return {"documents": documents, "per_document_kb": (after - before) * 1024 / documents}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--keystrokes", type=int, default=40)
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--client-procs", type=int, default=4, help="processes the editors use")
    parser.add_argument("--server", choices=("gunicorn", "threading"), default="gunicorn")
    parser.add_argument("--pg", default="", help="a PostgreSQL URL (else SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coop-plan-bench-") as tmp:
        db_url = database("postgresql" if args.pg else "sqlite", args.pg, Path(tmp))
        os.environ.update(ENV)
        data = seed(str(Path(tmp) / "seed"), db_url, args.editors, args.documents)
        port = free_port()
        if args.server == "gunicorn":  # as in production: one gevent worker
            env = {k: v for k, v in ENV.items() if k != "WORKSPACE_ASYNC_MODE"}
            env |= {
                "WORKSPACE_DATABASE_URL": db_url,
                "WORKSPACE_INSTANCE_PATH": str(Path(tmp) / "serve"),
            }
            proc = serve("workspace.wsgi:app", port, 1, env)
            proc = _Worker(proc)
        else:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.plugins.comments.serve",
                    "serve",
                    str(port),
                    str(Path(tmp) / "serve"),
                    db_url,
                ],
                env=ENV,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready([url])
            cpu, wall = cpu_seconds(proc.pid), time.perf_counter()
            mine = sum(os.times()[:4])  # this process and its finished children
            procs = max(1, min(args.client_procs, args.editors))
            fan = fan_out(data, url, args.editors, args.keystrokes, procs)
            wall = time.perf_counter() - wall
            fan["server_cpu"] = (cpu_seconds(proc.pid) - cpu) / wall
            fan["clients_cpu"] = (sum(os.times()[:4]) - mine) / wall
            mem = memory(data, url, proc.pid, args.documents)
            rss = rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(json.dumps({"fan_out": fan, "memory": mem, "rss_mb": rss}))
    where = f"{args.server}, {'PostgreSQL' if args.pg else 'SQLite'}"
    print(f"\n{args.editors} editors typing into one section, {fan['updates']} updates,")
    print(f"emission → arrival at every other editor ({where})\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| update fan-out p50 / p99 | {fan['p50']:.1f} / {fan['p99']:.1f} ms |")
    print(
        f"| all {args.editors} at the same instant: slowest arrival | {fan['burst_max']:.1f} ms |"
    )
    print(f"| updates lost | {fan['lost']} |")
    print(
        f"| CPU while typing, server / the {args.editors} clients (1.0 = one core) | "
        f"{fan['server_cpu']:.2f} / {fan['clients_cpu']:.2f} |"
    )
    print(f"| all editors and the server end with the same text | {fan['converged']} |")
    print(f"| server memory per open document (≈ 5 kB of text) | {mem['per_document_kb']:.0f} kB |")
    print(f"| server RSS at the end | {rss:.0f} MB |")


if __name__ == "__main__":
    main()
