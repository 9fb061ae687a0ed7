"""A member's page while another generates the funder report (issue 20's scenario).

    .venv/bin/python bench/report_while_browsing.py [--redis-url URL] [--period 2026-S2]

Seeds the big project (bench/seed.py: 60 indicators × 24 measurements) into a fresh SQLite
file, serves it as the Procfile does (gunicorn -k gevent, one worker), then: the adviser loads
the project overview every 50 ms; after a quiet spell the funder asks for the PDF report and
follows its job until the file is ready. Without ``--redis-url`` the job runs in the local
worker process that the web process starts (the embedded default); with it, through RQ and a
``flask jobs worker`` started here. Prints the overview's latencies before and while the
report is built, how long the request that asked for it took, and how long the job took. Not
a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import percentile, signed_in  # noqa: E402
from bench.run import seeded, serve  # noqa: E402

PORT = 5213


def reader(base: str, cookie: str, path: str, stop: threading.Event, out: list) -> None:
    s, _token = signed_in(base, cookie, path)
    while not stop.is_set():
        started = time.perf_counter()
        r = s.get(base + path, timeout=60)
        out.append((started, (time.perf_counter() - started) * 1000, r.status_code))
        time.sleep(0.05)


def summary(label: str, rows: list) -> str:
    ms = [m for _t, m, _c in rows]
    errors = sum(1 for *_r, code in rows if code >= 400)
    if not ms:
        return f"| {label} | 0 | | | | |"
    return (
        f"| {label} | {len(ms)} | {percentile(ms, 0.5):.0f} ms | {percentile(ms, 0.99):.0f} ms "
        f"| {max(ms):.0f} ms | {errors} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--period", default="2026-S2")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="coop-report-browse-"))
    env, data = seeded(
        f"sqlite:///{tmp / 'bench.sqlite'}", tmp, tasks=200, redis_url=args.redis_url
    )
    worker = None
    if args.redis_url:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "workspace", "jobs", "worker"],
            env=env,
            cwd=ROOT,
        )
    server = serve("workspace.wsgi:app", PORT, 1, env)
    base, project = f"http://127.0.0.1:{PORT}", data["project"]
    try:
        rows, stop = [], threading.Event()
        thread = threading.Thread(
            target=reader,
            args=(base, data["adviser"]["cookie"], f"/projects/{project}/", stop, rows),
        )
        thread.start()
        time.sleep(3)
        funder, token = signed_in(
            base, data["funder"]["cookie"], f"/projects/{project}/dashboard/reports"
        )
        asked = time.perf_counter()
        r = funder.post(
            f"{base}/projects/{project}/dashboard/reports/generate",
            data={"period": args.period, "format": "pdf", "csrf_token": token},
            headers={"HX-Request": "true"},
            timeout=60,
        )
        answered = time.perf_counter()
        job = re.search(r'id="job-(\d+)"', r.text).group(1)
        while (
            "Télécharger"
            not in (
                page := funder.get(f"{base}/jobs/{job}", headers={"HX-Request": "true"}, timeout=60)
            ).text
        ):
            if "field-error" in page.text:
                raise SystemExit(f"the job failed:\n{page.text}")
            time.sleep(0.2)
        ready = time.perf_counter()
        time.sleep(1)
        stop.set()
        thread.join()
    finally:
        server.terminate()
        server.wait(10)
        if worker is not None:
            worker.terminate()
    before = [row for row in rows if row[0] < asked]
    during = [row for row in rows if asked <= row[0] <= ready]
    backend = "RQ on Redis" if args.redis_url else "local worker process (no Redis)"
    print(f"\nThe overview while the funder's PDF report ({args.period}) is built — {backend}")
    print("| overview loads | n | p50 | p99 | max | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    print(summary("before", before))
    print(summary("while the report is built", during))
    print(f"\nPOST generate answered in {(answered - asked) * 1000:.0f} ms (HTTP {r.status_code});")
    print(f"file ready {ready - asked:.1f} s after the request.")


if __name__ == "__main__":
    main()
