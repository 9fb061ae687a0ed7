"""The board page against the floor, served as in production, in about a minute.

    .venv/bin/python bench/board_quick.py [--pg URL] [--seconds 8] [--workers 1]

Seeds a 500-task project (bench/seed.py), serves the app and the floor with gunicorn
(one gevent worker each) and loads both with wrk at concurrency 1 and 8 with a member's
session cookie; then the board right after a change (a task move, then the page, timed
alone; ``--changes`` of them) against the floor at c=1. The short loop for working on the
board's speed; ``bench/run.py`` is the full benchmark whose table the README keeps.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.run import PORT, database, scenarios, seeded, serve  # noqa: E402

APP = os.environ.get("BENCH_APP", "workspace.wsgi:app")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="", help="a PostgreSQL URL (else SQLite)")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--concurrency", default="1,8", help="wrk connections, comma-separated")
    parser.add_argument("--changes", type=int, default=200, help="moves, each then the page")
    args = parser.parse_args()
    if not load.WRK:
        sys.exit("wrk is needed: apt-get install wrk (make bench installs it)")
    with tempfile.TemporaryDirectory(prefix="coop-quick-") as tmp:
        url = database("postgresql" if args.pg else "sqlite", args.pg, Path(tmp))
        env, data = seeded(url, Path(tmp), args.tasks)
        base, floor_base = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT + 1}"
        app = serve(APP, PORT, args.workers, env)
        floor = serve("bench.floor:app", PORT + 1, 1, env)
        try:
            board = f"/projects/{data['project']}/board/"
            session, _token = load.signed_in(base, data["coordinator"]["cookie"], board)
            cookie = session.cookies.get("session")
            for _ in range(5):
                size = len(session.get(base + board).content)
            print(f"board HTML {size / 1000:.0f} kB", flush=True)
            floors = {}
            for c in [int(n) for n in args.concurrency.split(",")]:
                f = floors[c] = load.wrk(floor_base + "/floor", None, c, args.seconds)
                b = load.wrk(base + board, cookie, c, args.seconds)
                print(
                    f"c={c}: floor p50 {f.p50:.1f} p99 {f.p99:.1f} {f.rps:.0f} req/s | "
                    f"board p50 {b.p50:.1f} p99 {b.p99:.1f} {b.rps:.0f} req/s "
                    f"errors {b.errors} | ratio {b.p50 / f.p50:.2f}",
                    flush=True,
                )
            after = scenarios(data, base)["board page after a change"]
            r = load.run(
                lambda: load.signed_in(base, data["coordinator"]["cookie"], board),
                after,
                1,
                args.changes,
                120,
            )
            one = floors.get(1) or load.wrk(floor_base + "/floor", None, 1, args.seconds)
            print(
                f"after a change, c=1: board p50 {r.p50:.1f} p99 {r.p99:.1f} over {r.n} "
                f"errors {r.errors} | ratio to the floor {r.p50 / one.p50:.2f}",
                flush=True,
            )
        finally:
            for proc in (app, floor):
                proc.terminate()
                proc.wait(timeout=20)


if __name__ == "__main__":
    main()
