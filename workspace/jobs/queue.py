"""Recording a job and handing it to its backend once the transaction commits."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from workspace.extensions import db

from .models import Job
from .registry import HANDLERS


def backend() -> str:
    """``rq`` or ``local``: ``JOBS_BACKEND`` when set, else RQ exactly when Redis is."""
    chosen = current_app.config.get("JOBS_BACKEND") or ""
    if chosen:
        return chosen
    return "rq" if current_app.config.get("REDIS_URL") else "local"


def enqueue(kind: str, user, project=None, **params) -> Job:
    """Record a job in the caller's transaction; it is handed to a worker after the commit
    (a rollback forgets it)."""
    if kind not in HANDLERS:
        raise KeyError(kind)
    job = Job(
        kind=kind,
        user_id=user.id,
        project_id=project.id if project is not None else None,
        params=params,
        locale=str(get_locale() or "fr")[:5],
    )
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault("jobs_out", []).append(job.id)
    return job


def dispatch(job_id: int) -> None:
    """Hand one committed job to the backend."""
    if backend() == "rq":
        from .rq_backend import push

        push(job_id)
    else:
        from .local import ensure_local_worker

        ensure_local_worker()


@sa_event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    for job_id in session.info.pop("jobs_out", []):
        dispatch(job_id)


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop("jobs_out", None)


def wake(name: str) -> None:
    """Ask for task ``name`` now (after a commit): under RQ a worker runs it at once; the
    local worker is started if it is not running (it looks every ``periodic.TICK``)."""
    if backend() == "rq":
        from .rq_backend import push_task

        push_task(name)
    else:
        from .local import ensure_local_worker

        ensure_local_worker()
