"""The RQ backend: the job's id travels through Redis to ``flask jobs worker``."""

from __future__ import annotations

import logging

from flask import current_app

log = logging.getLogger("workspace.jobs")
QUEUE = "coopilote"


def queue():
    from redis import Redis
    from rq import Queue

    name = current_app.config.get("JOBS_QUEUE") or QUEUE
    return Queue(name, connection=Redis.from_url(current_app.config["REDIS_URL"]))


def push(job_id: int) -> None:
    """Put the job on the queue; if Redis does not answer, the job stays queued in the table
    and its page says so (the next look at it hands it again)."""
    from workspace.extensions import db

    from .models import Job
    from .registry import HANDLERS

    job = db.session.get(Job, job_id)
    timeout = HANDLERS[job.kind].timeout if job is not None else 600
    try:
        queue().enqueue(run, job_id, job_timeout=timeout + 60, result_ttl=0, failure_ttl=86400)
    except Exception:  # redis.exceptions.ConnectionError and kin
        log.exception("could not hand job %s to Redis", job_id)


def push_task(name: str) -> None:
    """Have a worker run periodic task ``name`` now (a missed push waits for the next tick)."""
    from .periodic import run_task

    try:
        queue().enqueue(run_task, name, job_timeout=600, result_ttl=0, failure_ttl=3600)
    except Exception:
        log.exception("could not hand task %s to Redis", name)


def run(job_id: int) -> str | None:
    """What an RQ worker calls (inside ``flask jobs worker``'s application context)."""
    from .runner import run as run_job

    return run_job(job_id)


def holds_lease(connection, token: str, seconds: int = 10):
    """``may_tick()`` for the ticker: True while this worker holds (or takes, or renews) the
    Redis lease; another worker takes it over within ``seconds`` of this one's end."""
    from .periodic import LEASE_KEY

    def may_tick() -> bool:
        if connection.set(LEASE_KEY, token, nx=True, ex=seconds):
            return True
        if (connection.get(LEASE_KEY) or b"").decode() == token:
            connection.expire(LEASE_KEY, seconds)
            return True
        return False

    return may_tick


def work(burst: bool = False) -> None:
    """Run an RQ worker in this process (no fork: the application is already loaded), with
    the periodic tasks' ticker beside it unless ``burst``."""
    import secrets

    from rq import SimpleWorker

    from .periodic import start_ticker

    q = queue()
    stop = None
    if not burst:
        lease = holds_lease(q.connection, secrets.token_hex(8))
        stop = start_ticker(current_app._get_current_object(), lease)
    try:
        SimpleWorker([q], connection=q.connection).work(burst=burst, with_scheduler=False)
    finally:
        if stop is not None:
            stop.set()
