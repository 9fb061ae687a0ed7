"""A small HTTP load generator: threads + requests, bounded by a count and a duration.

Each thread has its own ``requests.Session`` carrying the signed session cookie of a member;
a scenario is a function ``(session, n) -> Response`` called in a loop. The result gives
p50/p99 latency (ms), requests per second and the number of non-2xx/3xx answers. A scenario
that makes several requests and times only one sets ``timed_ms`` on the response it returns.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Result:
    n: int
    p50: float
    p99: float
    rps: float
    errors: int


def signed_in(base: str, cookie: str, page: str) -> tuple[requests.Session, str]:
    """A session with the member's cookie, and the CSRF token stored in it by ``page``."""
    s = requests.Session()
    s.cookies.set("session", cookie)
    r = s.get(base + page, timeout=30)
    r.raise_for_status()
    # The page stored the CSRF token in a new session cookie: keep only that one.
    fresh = r.cookies.get("session")
    if fresh:
        s.cookies.clear()
        s.cookies.set("session", fresh)
    return s, TOKEN.search(r.text).group(1)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def run(
    make_session: Callable[[], object],
    scenario: Callable[[object, int], requests.Response],
    concurrency: int,
    max_requests: int,
    max_seconds: float,
) -> Result:
    """Run ``scenario`` from ``concurrency`` threads until either bound is reached."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(max_requests))
    sessions = [make_session() for _ in range(concurrency)]
    deadline = time.monotonic() + max_seconds

    def worker(session):
        nonlocal errors
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            start = time.perf_counter()
            timed = None
            try:
                response = scenario(session, n)
                ok, timed = response.status_code < 400, getattr(response, "timed_ms", None)
            except requests.RequestException:
                ok = False
            elapsed = timed if timed is not None else (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                errors += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return Result(
        n=len(latencies),
        p50=statistics.median(latencies) if latencies else float("nan"),
        p99=percentile(latencies, 0.99),
        rps=len(latencies) / wall if wall else 0.0,
        errors=errors,
    )


WRK = shutil.which("wrk")
_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _WRK_UNITS[unit]


def wrk(url: str, cookie: str | None, concurrency: int, seconds: float, header: str = "") -> Result:
    """Load a GET page with wrk (a C load generator: the client costs the 2-core machine
    almost nothing, unlike Python threads), with the member's session cookie or ``header``
    (``Authorization: Bearer …`` for the API)."""
    cmd = [WRK, "-t", str(min(concurrency, 2)), "-c", str(concurrency), "-d", f"{seconds:.0f}s"]
    cmd += ["--latency", "--timeout", "10s", url]
    if cookie:
        cmd += ["-H", f"Cookie: session={cookie}"]
    if header:
        cmd += ["-H", header]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    percent = dict(re.findall(r"^\s*(\d+)%\s+([\d.]+(?:us|ms|s|m))\s*$", out, re.M))
    if not {"50", "99"} <= percent.keys():
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = sum(int(n) for n in socket.groups()) if socket else 0
    return Result(
        n=total,
        p50=_wrk_ms(percent["50"]),
        p99=_wrk_ms(percent["99"]),
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        errors=errors + (int(bad.group(1)) if bad else 0),
    )


def page(base: str, path: str, cookie: str, concurrency: int, seconds: float) -> Result:
    """Load one GET page (wrk when installed, else Python threads); ``cookie`` is a signed
    session cookie, empty for a page without sign-in (a floor)."""
    if WRK:
        return wrk(base + path, cookie, concurrency, seconds)

    def session():
        return signed_in(base, cookie, path) if cookie else (requests.Session(), "")

    return run(
        session, lambda st, n: st[0].get(base + path, timeout=30), concurrency, 100000, seconds
    )


def print_floor_table(rows) -> None:
    """Markdown table of ``(name, concurrency, Result, floor Result)`` rows with the p50 ratio."""
    print("| page | c | p50 | p99 | floor p50 | ratio p50 | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, c, res, floor_res in rows:
        ratio = res.p50 / floor_res.p50 if floor_res.p50 else float("nan")
        print(
            f"| {name} | {c} | {res.p50:.1f} ms | {res.p99:.1f} ms | {floor_res.p50:.1f} ms "
            f"| {ratio:.1f}× | {res.errors} |"
        )
