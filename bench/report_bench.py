"""Funder report benchmark: time each report format on the big seeded project.

    .venv/bin/python bench/report_bench.py [--period 2026-S2] [--repeat 3] [--url URL]
                                           [--only pdf] [--profile pdf]

Seeds the project of ``bench/seed.py`` (60 indicators × 24 monthly measurements, 20 milestones,
the four checklists; few tasks: the board plays no part) into a fresh SQLite file (or the
database given with --url, which must be empty), then, signed in as the project's funder
through the test client, times each format the reports page offers: the printable HTML view
(GET), the PDF and the DOCX (POST generate, then its background job run in this process,
which also stores the file and logs it, then the download). Prints a
table (best and median wall time of --repeat runs, best CPU time of this process — the
machine may be shared —, output size, PDF pages) and, for the PDF, where the
time goes: the sections from the plugins, the HTML template, WeasyPrint's layout and writing.
``--profile pdf`` runs one more PDF under pyinstrument and prints its text profile. Not a test:
the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.seed import seed  # noqa: E402

FORMATS = ("html", "pdf", "docx")


def make_app(url: str):
    from workspace import create_app

    instance = tempfile.mkdtemp(prefix="coop-report-bench-")
    url = url or f"sqlite:///{Path(instance) / 'bench.sqlite'}"
    return create_app(
        {
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "REDIS_URL": "",
            "JOBS_BACKEND": "local",
            "JOBS_SPAWN_WORKER": False,  # request_once runs the job itself
            "RATELIMIT_ENABLED": False,
        }
    )


def request_once(client, project_id: int, fmt: str, period: str):
    """The HTML page, or the whole way of a file: ask (202 → its job), run the job here (as
    the worker would, in this process so that its CPU time is counted), download."""
    base = f"/projects/{project_id}/dashboard/reports"
    if fmt == "html":
        return client.get(f"{base}/view?period={period}")
    from workspace.jobs.local import run_pending

    asked = client.post(f"{base}/generate", data={"period": period, "format": fmt})
    if asked.status_code != 303:
        return asked
    with client.application.app_context():
        run_pending()
    page = client.get(asked.headers["Location"]).text
    link = re.search(r'href="(/projects/\d+/files/\d+)"', page)
    if link is None:
        raise SystemExit(f"{fmt}: no file after the job\n{page[:800]}")
    return client.get(link.group(1))


def pdf_pages(data: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:  # a production install has no pypdf
        return "?"
    return str(len(PdfReader(io.BytesIO(data)).pages))


def time_formats(client, project_id, period, formats, repeat) -> list[tuple]:
    rows = []
    for fmt in formats:
        times, cpu, response = [], [], None
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = request_once(client, project_id, fmt, period)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            if response.status_code != 200:
                raise SystemExit(f"{fmt}: HTTP {response.status_code}\n{response.text[:500]}")
        pages = pdf_pages(response.data) if fmt == "pdf" else ""
        rows.append(
            (fmt, min(times), statistics.median(times), min(cpu), len(response.data), pages)
        )
    return rows


def pdf_breakdown(app, project_id: int, funder_id: int, period_key: str) -> list[tuple]:
    """Seconds spent in each step of one PDF, called directly (no storage, no logging)."""
    from flask import render_template
    from flask_login import login_user
    from weasyprint import HTML

    from plugins.dashboard import periods, reports
    from workspace.extensions import db
    from workspace.models import Project, User
    from workspace.web.pdf import no_fetch

    with app.test_request_context():
        login_user(db.session.get(User, funder_id))
        project = db.session.get(Project, project_id)
        period = periods.parse(period_key)
        steps, t0 = [], time.perf_counter()
        ctx = reports.context(project, period)
        steps.append(("sections (report_sections hooks)", time.perf_counter() - t0))
        t0 = time.perf_counter()
        page = render_template("dashboard/report.html", printable=False, **ctx)
        steps.append(("report template", time.perf_counter() - t0))
        t0 = time.perf_counter()
        doc = HTML(string=page, url_fetcher=no_fetch).render()
        steps.append(("WeasyPrint layout", time.perf_counter() - t0))
        t0 = time.perf_counter()
        doc.write_pdf()
        steps.append(("WeasyPrint PDF writing", time.perf_counter() - t0))
        steps.append((f"HTML given to WeasyPrint: {len(page) // 1024} kB", None))
        return steps


def profile_pdf(client, project_id: int, period: str) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.start()
    request_once(client, project_id, "pdf", period)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2026-S2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", default="", help="SQLAlchemy URL of an empty database")
    parser.add_argument("--only", default=",".join(FORMATS), help="formats, comma-separated")
    parser.add_argument("--profile", choices=["pdf"], help="profile one PDF with pyinstrument")
    args = parser.parse_args()

    app = make_app(args.url)
    started = time.perf_counter()
    ids = seed(app, n_tasks=20)
    print(f"seeded in {time.perf_counter() - started:.1f} s (project {ids['project']})")
    client = app.test_client()
    client.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), ids["funder"]["cookie"])
    formats = [f for f in args.only.split(",") if f in FORMATS]
    request_once(client, ids["project"], "html", args.period)  # warm-up: templates, catalogues

    rows = time_formats(client, ids["project"], args.period, formats, args.repeat)
    print(f"\nReport of the seeded project, period {args.period}, as the funder")
    print(f"| format | best | median of {args.repeat} | best CPU | size | pages |")
    print("|---|---:|---:|---:|---:|---:|")
    for fmt, best, median, cpu, size, pages in rows:
        print(
            f"| {fmt} | {best:.2f} s | {median:.2f} s | {cpu:.2f} s | {size / 1024:.0f} kB "
            f"| {pages} |"
        )
    if "pdf" in formats:
        print("\nOne PDF, step by step")
        with app.app_context():
            for label, seconds in pdf_breakdown(
                app, ids["project"], ids["funder"]["id"], args.period
            ):
                print(f"  {label}" + (f": {seconds:.2f} s" if seconds is not None else ""))
    if args.profile:
        profile_pdf(client, ids["project"], args.period)


if __name__ == "__main__":
    main()
