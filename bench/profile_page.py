"""Profile one page in-process (pyinstrument), on a seeded 500-task project.

    .venv/bin/python bench/profile_page.py [--tasks 500] [--path board] [--runs 20] [--html OUT]
        [--who adviser --projects 200] [--after-change]

Seeds a fresh SQLite project (bench/seed.py), signs in the coordinator through the test
client, warms the page up, then times ``--runs`` requests (prints p50/min in ms) and prints a
pyinstrument profile of them. Not a test: for finding what dominates a page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATHS = {
    "board": "/projects/{p}/board/",
    "checklists": "/projects/{p}/checklists/",
    "dashboard": "/projects/{p}/dashboard/",
    "overview": "/projects/{p}/",
    "portfolio": "/portfolio",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--path", default="board", help=f"one of {sorted(PATHS)} or a URL path")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--who", default="coordinator", choices=["coordinator", "adviser"])
    parser.add_argument(
        "--projects", type=int, default=1, help="more projects of the adviser (bench/portfolio)"
    )
    parser.add_argument(
        "--long", action="store_true", help="200 notifications, 10,000 entries, 500 comments"
    )
    parser.add_argument(
        "--after-change",
        action="store_true",
        help="move a task before each request (untimed): the page right after a change",
    )
    parser.add_argument("--pg", default="", help="a PostgreSQL URL (else SQLite)")
    parser.add_argument("--html", default="", help="write the pyinstrument HTML report here")
    parser.add_argument("--no-profile", action="store_true", help="only time the requests")
    parser.add_argument(
        "--cprofile", action="store_true", help="cProfile's functions by own time instead"
    )
    args = parser.parse_args()

    from bench.seed import seed
    from workspace import create_app

    instance = tempfile.mkdtemp(prefix="coop-prof-")
    url = f"sqlite:///{Path(instance) / 'bench.sqlite'}"
    if args.pg:
        from bench.run import database

        url = database("postgresql", args.pg, Path(instance), "coop_profile")
    app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url})
    data = seed(app, args.tasks)
    if args.projects > 1:
        from bench.portfolio import add_projects

        add_projects(app, data["adviser"]["id"], args.projects - 1)
    if args.long:
        from bench.pages import ACTIVITY, add_activity, add_notifications
        from workspace import models
        from workspace.extensions import db

        with app.app_context():
            p = data["project"]
            ids = list(
                db.session.scalars(db.select(models.Membership.user_id).filter_by(project_id=p))
            )
            add_activity(db, models, p, ids, ACTIVITY - 2000)
            add_notifications(db, data["coordinator"]["id"], p, ids)
            db.session.commit()
            from bench.long_lists import comment_rows

            for _comment in comment_rows(db, p, ids):
                pass
            db.session.commit()
    client = app.test_client()
    client.set_cookie("session", data[args.who]["cookie"])
    path = PATHS.get(args.path, args.path).format(p=data["project"])
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, response.status_code
    print(f"{path}: {len(response.data) / 1000:.0f} kB")
    from workspace.web.runtime import tune_gc

    tune_gc(app)  # as workspace.wsgi does in a served process

    def timed(start_profile=lambda: None, stop_profile=lambda: None) -> list[float]:
        times = []
        for n in range(args.runs):
            if args.after_change:
                move_a_task(app, data, n)
            start_profile()
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            stop_profile()
        return times

    if args.no_profile:
        times = timed()
    elif args.cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        times = timed(profiler.enable, profiler.disable)
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(
            os.environ.get("PROFILE_FILTER", ""), 40
        )
    else:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        times = timed(profiler.start, profiler.stop)
        if args.html:
            Path(args.html).write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"p50 {statistics.median(times):.1f} ms, min {min(times):.1f} ms over {args.runs}")


def move_a_task(app, data: dict, n: int) -> None:
    """A change as members make them: the coordinator moves a task to the top of a column."""
    from plugins.board import operations as ops
    from workspace.extensions import db
    from workspace.models import User

    with app.app_context():
        tasks, columns = data["tasks"], data["columns"]
        task = db.session.get(ops.Task, tasks[(n * 7) % len(tasks)])
        column = db.session.get(ops.BoardColumn, columns[n % len(columns)])
        actor = db.session.get(User, data["coordinator"]["id"])
        ops.move_task(task, actor, column, 0, confirm=True)
        db.session.commit()


if __name__ == "__main__":
    main()
