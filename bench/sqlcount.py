"""SQL statements per page, counted in-process with an SQLAlchemy event listener.

    .venv/bin/python bench/sqlcount.py [--url postgresql+psycopg://…/db]

Seeds a project of 50 tasks and one of 2,000 (each in a fresh database), requests every
page through Flask's test client as the coordinator, and counts ``before_cursor_execute``
events per request. The two counts of a page must be equal: a page whose count grows with the
number of tasks has an N+1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = {
    "board": "/projects/{p}/board/",
    "checklists": "/projects/{p}/checklists/",
    "dashboard": "/projects/{p}/dashboard/",
    "indicators": "/projects/{p}/indicators/",
    "milestones": "/projects/{p}/milestones/",
    "comments": "/projects/{p}/comments/thread/project/{p}",
}
SIZES = (50, 2000)


def _fresh_pg(url: str, name: str) -> str:
    import psycopg

    # Connect to the server's own "postgres" database: the one in ``url`` may not exist yet.
    admin = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def count(n_tasks: int, url: str, tmp: Path) -> dict[str, tuple[int, int]]:
    """{page: (queries, bytes)} for a project of ``n_tasks`` tasks."""
    from bench.seed import seed
    from workspace import create_app
    from workspace.extensions import db

    app = create_app(
        {"INSTANCE_PATH": str(tmp), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}
    )
    data = seed(app, n_tasks)
    client = app.test_client()
    client.set_cookie("session", data["coordinator"]["cookie"])
    out = {}
    with app.app_context():
        engine = db.engine
    for name, path in PAGES.items():
        target = path.format(p=data["project"])
        client.get(target)  # warm caches (templates, first-view setup)
        seen: list[str] = []

        def _count(conn, cursor, statement, *args, _seen=seen):
            _seen.append(statement)

        event.listen(engine, "before_cursor_execute", _count)
        try:
            r = client.get(target)
        finally:
            event.remove(engine, "before_cursor_execute", _count)
        assert r.status_code == 200, (name, r.status_code)
        out[name] = (len(seen), len(r.data))
    engine.dispose()
    return out


def counts(url: str = "") -> dict[int, dict[str, tuple[int, int]]]:
    result = {}
    for n in SIZES:
        with tempfile.TemporaryDirectory(prefix="coop-sqlcount-") as tmp:
            db_url = _fresh_pg(url, f"coop_perf_count_{n}") if url else ""
            result[n] = count(n, db_url or f"sqlite:///{tmp}/count.sqlite", Path(tmp))
    return result


def table(result) -> list[str]:
    a, b = SIZES
    lines = [
        f"| page | queries ({a} tasks) | queries ({b} tasks) | equal | HTML kB ({b}) |",
        "|---|---:|---:|:-:|---:|",
    ]
    for page in PAGES:
        qa, qb = result[a][page][0], result[b][page][0]
        kb = result[b][page][1] / 1024
        lines.append(f"| {page} | {qa} | {qb} | {'yes' if qa == qb else '**no**'} | {kb:.0f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="", help="PostgreSQL server URL (a database is made)")
    args = parser.parse_args()
    print("\n".join(table(counts(args.url))))


if __name__ == "__main__":
    main()
