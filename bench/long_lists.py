"""Long lists beside their floor (issue 20): a 500-comment discussion and a 24-measurement
indicator page, each against a bare Flask page of the same rows (bench/floor.py).

    .venv/bin/python bench/long_lists.py [--pg-url URL] [--seconds 10]

Seeds the big project (bench/seed.py) into a fresh SQLite file (or the PostgreSQL database of
``--pg-url``), adds 500 comments to its project discussion (400 conversations, 100 replies),
serves it as the Procfile does (gunicorn -k gevent, one worker) with the floor beside it, and
loads each page at concurrency 1 and 8 (wrk when installed, else Python threads): the thread
page, the thread page right after a new comment (timed alone), the indicator page. Prints a
Markdown table with p50 / p99 and the p50 ratio to the floor of the same rows. Not a test:
the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.run import database, print_floor_report, seeded, serve, stop  # noqa: E402

PORT = 5221
COMMENTS, REPLY_EVERY = 500, 5  # every 5th comment answers the one before


def comment_rows(db, project: int, authors: list[int]):
    """500 comments on the project discussion (every 5th answers the one before), flushed
    as they come (a reply needs its parent's id)."""
    from plugins.comments.models import Comment

    last = None
    for n in range(COMMENTS):
        reply = n % REPLY_EVERY == REPLY_EVERY - 1 and last is not None
        text = f"Point d'étape n° {n} : la réunion des directeurs a validé le calendrier."
        c = Comment(
            project_id=project,
            object_type="project",
            object_id=project,
            parent_id=last.id if reply else None,
            author_id=authors[n % len(authors)],
            body=text,
            html=f"<p>{text}</p>",
        )
        db.session.add(c)
        db.session.flush()
        if not reply:
            last = c
        yield c


def add_comments(env: dict, project: int) -> int:
    """500 comments on the project discussion; the id of the first indicator."""
    os.environ.update(env)
    from plugins.indicators.models import Indicator
    from workspace import create_app
    from workspace.extensions import db
    from workspace.models import Membership

    app = create_app({"INSTANCE_PATH": env["WORKSPACE_INSTANCE_PATH"]})
    with app.app_context():
        authors = list(
            db.session.scalars(db.select(Membership.user_id).filter_by(project_id=project))
        )
        for _comment in comment_rows(db, project, authors):
            pass
        db.session.commit()
        return db.session.scalar(
            db.select(Indicator.id).filter_by(project_id=project).order_by(Indicator.position)
        )


def after_comment(base: str, cookie: str, project: int, c: int, seconds: float) -> load.Result:
    """A new comment, then the thread page, timed alone (rendered after a change)."""
    thread = f"/projects/{project}/comments/thread/project/{project}"

    def scenario(st, n):
        s, token = st
        form = {"body": f"Nouveau point {n}", "csrf_token": token, "key": uuid.uuid4().hex}
        s.post(base + thread, data=form, headers={"Accept": "application/json"}, timeout=30)
        start = time.perf_counter()
        r = s.get(base + thread, timeout=30)
        r.timed_ms = (time.perf_counter() - start) * 1000
        return r

    return load.run(lambda: load.signed_in(base, cookie, thread), scenario, c, 100000, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="coop-lists-"))
    url = database("postgresql" if args.pg_url else "sqlite", args.pg_url, tmp, "coop_lists_bench")
    env, data = seeded(url, tmp)
    p = data["project"]
    indicator = add_comments(env, p)
    env["BENCH_PROJECT"] = str(p)
    app = serve("workspace.wsgi:app", PORT, 1, env)
    floor = serve("bench.floor:app", PORT + 1, 1, env)
    base, floor_base = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT + 1}"
    cookie = data["adviser"]["cookie"]
    pages = [
        (
            "500-comment discussion",
            f"/projects/{p}/comments/thread/project/{p}",
            f"/floor/thread/project/{p}",
        ),
        (
            "indicator, 24 measurements",
            f"/projects/{p}/indicators/{indicator}",
            f"/floor/indicator/{indicator}",
        ),
    ]
    rows = []
    try:
        session, _token = load.signed_in(base, cookie, pages[0][1])
        fresh = session.cookies.get("session")
        for _name, path, floor_path in pages:  # warm both, check they answer
            for _ in range(3):
                assert session.get(base + path, timeout=30).status_code == 200, path
                assert requests.get(floor_base + floor_path, timeout=30).status_code == 200
        for c in (1, 8):
            for name, path, floor_path in pages:
                floor_res = load.page(floor_base, floor_path, "", c, args.seconds)
                res = load.page(base, path, fresh, c, args.seconds)
                rows.append((name, c, res, floor_res))
            res = after_comment(base, cookie, p, c, args.seconds)
            rows.append(("500-comment discussion after a new comment", c, res, rows[-2][3]))
        size = len(session.get(base + pages[0][1]).content) / 1024
    finally:
        stop(app, floor)
    print_floor_report(args.pg_url, f"discussion page {size:.0f} kB", rows)


if __name__ == "__main__":
    main()
