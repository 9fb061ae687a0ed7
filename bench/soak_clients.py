"""The soak's clients (bench/soak.py): writer and reader threads in spawned processes.

Each process runs one group of threads until the deadline and returns its ``Outcome``:
latencies per kind of request, the errors seen and, for writers, what the server acknowledged
(the titles created, the last description, column and status acknowledged per object, the
comments posted), which soak.py compares with the database afterwards.
"""

from __future__ import annotations

import random
import re
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

from bench.load import percentile, signed_in

VERSION = re.compile(r'name="version" value="(\d+)"')
TASK_ID = re.compile(r"[?&]task=(\d+)")
STATUSES = ["a_faire", "en_cours", "fait"]
READ_PAGES = [
    "board/",
    "",
    "dashboard/",
    "checklists/",
    "milestones/",
    "indicators/",
    "comments/",
    "activity",
    "/notifications/",
]
CHECKS = [
    "creations missing or doubled",
    "creations not acknowledged",
    "descriptions lost",
    "moves lost",
    "columns with broken positions",
    "comments missing or doubled",
    "comments not acknowledged",
    "statuses lost",
    "activity chain broken",
]


@dataclass
class Plan:
    """What every client needs: the server, the project and the run's settings."""

    base: str
    project: int
    columns: list[int]
    tasks: list[int]
    args: object

    def _common(self) -> dict:
        return {
            "base": self.base,
            "project": self.project,
            "columns": self.columns,
            "tasks": self.tasks,
            "deadline": time.time() + 5 + self.args.seconds,  # 5 s for the processes to start
            "think": self.args.think,
        }

    def writer_groups(self, writers: list[dict]) -> list[dict]:
        common = self._common()
        return [common | {"writers": writers[i::2], "index": i} for i in range(2)]

    def reader_groups(self, cookies: list[str]) -> list[dict]:
        common, n = self._common(), self.args.readers
        readers = [cookies[i % len(cookies)] for i in range(n)]
        return [common | {"readers": readers[i : i + 10]} for i in range(0, n, 10)]


@dataclass
class Outcome:
    """What one process saw; ``merge`` adds them up."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acks: dict[str, dict] = field(
        default_factory=lambda: {
            "created": {},
            "described": {},
            "moved": {},
            "comments": {},
            "status": {},
        }
    )
    conflicts: int = 0
    cpu: float = 0.0  # CPU seconds of the client processes (their imports included)

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def print_table(self) -> None:
        print("| request | n | p50 | p99 | max |\n|---|---:|---:|---:|---:|")
        for kind in sorted(self.times):
            t = self.times[kind]
            print(
                f"| {kind} | {len(t)} | {statistics.median(t):.1f} ms | "
                f"{percentile(t, 0.99):.1f} ms | {max(t):.1f} ms |"
            )
        every = [x for t in self.times.values() for x in t]
        print(
            f"| **all** | {len(every)} | {statistics.median(every):.1f} ms | "
            f"{percentile(every, 0.99):.1f} ms | {max(every):.1f} ms |"
        )
        print(
            f"\nerrors: {self.error_count}; stale edits refused (409) then retried: "
            f"{self.conflicts}"
        )


def merge(outcomes: list[Outcome]) -> Outcome:
    total = Outcome()
    for o in outcomes:
        for kind, times in o.times.items():
            total.times.setdefault(kind, []).extend(times)
        total.errors += o.errors
        total.conflicts += o.conflicts
        total.cpu += o.cpu
        for name, acks in o.acks.items():
            total.acks[name].update(acks)
    return total


class _Client:
    """One thread's session; ``call`` times a request and records an unexpected answer."""

    def __init__(self, plan: dict, cookie: str, outcome: Outcome, lock: threading.Lock):
        self.plan, self.outcome, self.lock = plan, outcome, lock
        self.root = f"{plan['base']}/projects/{plan['project']}/"
        self.session, self.token = signed_in(plan["base"], cookie, f"/projects/{plan['project']}/")

    def call(self, kind: str, method: str, path: str, expect=(200,), **kw):
        # "/…": from the site's root; otherwise inside the project.
        url = self.plan["base"] + path if path.startswith("/") else self.root + path
        start = time.perf_counter()
        try:
            r = self.session.request(method, url, timeout=30, allow_redirects=False, **kw)
        except requests.RequestException as exc:
            self._record(kind, start, f"{kind} {path}: {type(exc).__name__} {exc}")
            return None
        self._record(
            kind, start, None if r.status_code in expect else f"{kind} {path}: {r.status_code}"
        )
        return r if r.status_code in expect else None

    def _record(self, kind: str, start: float, error: str | None) -> None:
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.outcome.times.setdefault(kind, []).append(elapsed)
            if error:
                self.outcome.errors.append(error)

    def running(self) -> bool:
        time.sleep(self.plan["think"])
        return time.time() < self.plan["deadline"]


class _Writer(_Client):
    def __init__(self, plan, writer: dict, outcome, lock, name: str):
        super().__init__(plan, writer["cookie"], outcome, lock)
        self.name, self.items, self.mine = name, writer["items"], {}
        self.rnd = random.Random(name)
        self.n = 0

    def form(self, **fields) -> dict:
        return {"csrf_token": self.token, **fields}

    def create(self) -> None:
        title = f"Soak {self.name} n° {self.n} {uuid.uuid4().hex[:8]}"
        column = self.rnd.choice(self.plan["columns"])
        data = self.form(title=title, column_id=column, priority="normale")
        r = self.call("write: create task", "POST", "board/tasks", (302,), data=data)
        if r is not None:
            task_id = int(TASK_ID.search(r.headers["Location"]).group(1))
            self.mine[task_id] = title
            self.outcome.acks["created"][title] = task_id
            self.outcome.acks["moved"][str(task_id)] = column

    def edit(self, task_id: int) -> None:
        hx = {"HX-Request": "true"}
        for _attempt in range(5):
            panel = self.call("write: read task panel", "GET", f"board/tasks/{task_id}", headers=hx)
            if panel is None:
                return
            text = f"Révision {self.n} par {self.name}"
            data = self.form(
                title=self.mine[task_id],
                description=text,
                priority="normale",
                version=VERSION.search(panel.text).group(1),
            )
            r = self.call(
                "write: edit task",
                "POST",
                f"board/tasks/{task_id}",
                (200, 409),
                data=data,
                headers=hx,
            )
            if r is None:
                return
            if r.status_code == 200:
                self.outcome.acks["described"][str(task_id)] = text
                return
            with self.lock:
                self.outcome.conflicts += 1

    def move(self, task_id: int) -> None:
        column = self.rnd.choice(self.plan["columns"])
        data = self.form(column_id=column, position=self.rnd.randrange(6), confirm="y")
        headers = {"Accept": "application/json"}
        r = self.call(
            "write: move task", "POST", f"board/tasks/{task_id}/move", data=data, headers=headers
        )
        if r is not None:
            self.outcome.acks["moved"][str(task_id)] = column

    def comment(self) -> None:
        task_id = self.rnd.choice(self.plan["tasks"])
        body = f"Soak {self.name} commentaire {self.n} {uuid.uuid4().hex[:8]}"
        data = self.form(body=body, key=uuid.uuid4().hex)
        r = self.call(
            "write: comment",
            "POST",
            f"comments/thread/task/{task_id}",
            (201,),
            data=data,
            headers={"Accept": "application/json"},
        )
        if r is not None:
            self.outcome.acks["comments"][body] = r.json()["id"]

    def status(self) -> None:
        item = self.rnd.choice(self.items)
        row = self.call("write: read checklist item", "GET", f"checklists/items/{item}/row")
        if row is None:
            return
        value = self.rnd.choice(STATUSES)
        data = self.form(status=value, version=VERSION.search(row.text).group(1))
        r = self.call(
            "write: checklist status",
            "POST",
            f"checklists/items/{item}/status",
            (200, 409),
            data=data,
            headers={"HX-Request": "true"},
        )
        if r is not None and r.status_code == 200:
            self.outcome.acks["status"][str(item)] = value
        elif r is not None:
            with self.lock:
                self.outcome.conflicts += 1

    def run(self) -> None:
        while self.running():
            self.n += 1
            roll = self.rnd.random()
            if roll < 0.2 or not self.mine:
                self.create()
            elif roll < 0.45:
                self.edit(self.rnd.choice(list(self.mine)))
            elif roll < 0.7:
                self.move(self.rnd.choice(list(self.mine)))
            elif roll < 0.9:
                self.comment()
            else:
                self.status()


def _threads(targets) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def write(group: dict) -> Outcome:
    """Run a process's writers until the deadline."""
    outcome, lock = Outcome(), threading.Lock()
    writers = [
        _Writer(group, w, outcome, lock, f"w{group['index']}.{i}")
        for i, w in enumerate(group["writers"])
    ]
    _threads(w.run for w in writers)
    outcome.cpu = time.process_time()
    return outcome


def read(group: dict) -> Outcome:
    """Run a process's readers until the deadline: each page in turn, from a random start."""
    outcome, lock = Outcome(), threading.Lock()

    def reader(cookie: str, start: int) -> None:
        client = _Client(group, cookie, outcome, lock)
        n = start
        while client.running():
            page = READ_PAGES[n % len(READ_PAGES)]
            client.call(f"read: {page.strip('/') or 'overview'}", "GET", page)
            n += 1

    _threads(lambda c=c, i=i: reader(c, i) for i, c in enumerate(group["readers"]))
    outcome.cpu = time.process_time()
    return outcome
