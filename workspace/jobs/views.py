"""A job's page and its live fragment (polled while it runs), and ``flask jobs worker``."""

from __future__ import annotations

import click
from flask import Blueprint, abort, redirect, render_template, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required

from workspace.extensions import db, htmx
from workspace.models import utcnow

from .files import send_job_file
from .models import QUEUED, Job
from .queue import backend, dispatch
from .registry import describe

bp = Blueprint("jobs", __name__, template_folder="templates")
jobs_cli = AppGroup("jobs", help="Long work: the worker that runs it.")


REDISPATCH_AFTER = 30  # seconds a job may wait in Redis's queue before it is handed again


def _waiting(job: Job) -> float:
    return (utcnow() - job.created_at).total_seconds()


def own_job(job_id: int) -> Job:
    """The signed-in person's job, or 404 (another person's job is not found)."""
    job = db.session.get(Job, job_id) if job_id < 2**31 else None
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


def started(job: Job):
    """The answer to the request that queued ``job`` (committed): htmx, its progress in place
    (202); otherwise its page (303), which follows it and then offers what it made."""
    if htmx:
        return render_template("jobs/_job.html", job=job), 202
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.route("/jobs/<int:job_id>")
@login_required
def show(job_id: int):
    job = own_job(job_id)
    if job.status == QUEUED and (backend() == "local" or _waiting(job) > REDISPATCH_AFTER):
        dispatch(job.id)  # a worker gone since, or Redis back: hand it again (it runs once)
    if htmx:
        return render_template("jobs/_job.html", job=job)
    return render_template("jobs/show.html", job=job, what=describe(job))


@bp.route("/jobs/<int:job_id>/file")
@login_required
def download(job_id: int):
    """The file a finished job made (its owner only)."""
    return send_job_file(own_job(job_id))


@jobs_cli.command("worker")
@click.option("--local", "local", is_flag=True, help="Poll the job table (no Redis).")
@click.option("--parent", type=int, default=None, help="Stop when this process ends.")
@click.option("--burst", is_flag=True, help="Run what is queued, then stop.")
def worker(local: bool, parent: int | None, burst: bool) -> None:
    """Run jobs: from Redis (RQ) when it is configured, else from the job table."""
    if not local and backend() == "rq":
        from .rq_backend import work

        work(burst=burst)
        return
    from .local import run_pending, work

    if burst:
        click.echo(f"{run_pending()} job(s) run")
        return
    work(parent=parent)


KEEP_WORKER_EVERY = 30  # seconds between two checks that the local worker runs


def _keep_local_worker() -> None:
    """Serving requests means the site is up: its periodic work (webhooks, mail, digests)
    needs the local worker even before anyone asks for a job, and the notices of finished
    jobs need the relay (no Redis); checked now and then, not on every request."""
    import time

    now = time.monotonic()
    if now - _last_check[0] < KEEP_WORKER_EVERY:
        return
    _last_check[0] = now
    if backend() == "local":
        from flask import current_app

        from .local import ensure_local_worker
        from .relay import start_relay

        ensure_local_worker()
        start_relay(current_app._get_current_object())  # its notices, live (no Redis)


_last_check = [float("-inf")]


def init_jobs(app) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(jobs_cli)
    if app.config.get("JOBS_SPAWN_WORKER", True) or not app.testing:
        # Also when the local worker is run by hand (JOBS_SPAWN_WORKER=0): its notices
        # still need the relay (tests run the queue and push in-process).
        app.before_request(_keep_local_worker)
