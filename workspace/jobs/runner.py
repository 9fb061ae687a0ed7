"""Running one job: claim it, run its handler as its owner, record the outcome, tell the owner.

Used by both backends (``rq_backend.run`` and the local worker's loop). A job is claimed with
one conditional UPDATE (``queued`` → ``running``), so that a job handed twice runs once. Each
attempt and each record of the outcome runs in a fresh application context: its own database
session and ``g`` (nothing cached from another job or from the caller), a request on the
public address, the owner signed in, the owner's language.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager

from flask import current_app, g
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from workspace.extensions import db
from workspace.models import User, utcnow

from .models import DONE, FAILED, QUEUED, RUNNING, Job
from .registry import ATTEMPTS, HANDLERS, JobError, describe

log = logging.getLogger("workspace.jobs")
BACKOFF = (1, 4)  # seconds before the 2nd and 3rd attempts (times JOBS_BACKOFF)


def _set(job_id: int, *conditions, **values) -> int:
    """One UPDATE of the job row on its own connection (the handler's transaction stays
    open); how many rows changed."""
    with db.engine.begin() as conn:
        return conn.execute(
            update(Job).where(Job.id == job_id, *conditions).values(**values)
        ).rowcount


def claim(job_id: int) -> bool:
    """Mark a queued job as running; False when it is not queued any more."""
    return _set(job_id, Job.status == QUEUED, status=RUNNING, started_at=utcnow(), progress=0) == 1


def set_progress(job_id: int, percent: int) -> None:
    _set(job_id, progress=max(0, min(99, int(percent))))


@contextmanager
def as_owner(job_id: int):
    """A fresh application and request context, signed in as the job's owner, in their
    language; yields the job row of that context's session."""
    base = current_app.config.get("BASE_URL") or "http://localhost"
    with current_app.app_context(), current_app.test_request_context(base_url=base):
        job = db.session.get(Job, job_id)
        if job is None:
            raise JobGone(job_id)
        g._login_user = db.session.get(User, job.user_id)
        with force_locale(job.locale or "fr"):
            try:
                yield job
            except BaseException:
                db.session.rollback()  # and the files it wrote are deleted (web/uploads.py)
                raise


class JobGone(LookupError):
    """The job's row is gone (its owner or its project was deleted meanwhile)."""


def run(job_id: int) -> str | None:
    """Run a job to its end (retrying failures); its final status, None if not claimed or
    gone meanwhile."""
    if not claim(job_id):
        return None
    for attempt in range(1, ATTEMPTS + 1):
        _set(job_id, attempts=attempt)
        try:
            with as_owner(job_id) as job:
                result = HANDLERS[job.kind].run(job, lambda pct: set_progress(job_id, pct))
                db.session.commit()
        except JobGone:
            return None
        except JobError as exc:
            return _finish(job_id, FAILED, error=str(exc))
        except Exception:
            log.exception("job %s failed, attempt %s of %s", job_id, attempt, ATTEMPTS)
            if attempt < ATTEMPTS:
                time.sleep(BACKOFF[attempt - 1] * current_app.config.get("JOBS_BACKOFF", 1))
                continue
            return _finish(job_id, FAILED)
        return _finish(job_id, DONE, result=result or {})
    return None  # pragma: no cover - the loop always returns


def _finish(job_id: int, status: str, result: dict | None = None, error: str = "") -> str | None:
    """Record the outcome and notify the owner (pushed through Redis, or relayed by the web
    process: ``relay.py``)."""
    try:
        with as_owner(job_id) as job:
            _record(job, status, result, error)
    except JobGone:
        return None
    return status


def _record(job: Job, status: str, result: dict | None, error: str) -> None:
    from flask import url_for

    from workspace.notifications import center

    job.status, job.finished_at, job.result = status, utcnow(), result
    job.error = error[:500]
    if status == DONE:
        job.progress = 100
        text = _l("Votre demande est prête : %(what)s.", what=describe(job))
    else:
        text = _l("Votre demande a échoué : %(what)s.", what=describe(job))
    url = url_for("jobs.show", job_id=job.id, _external=True)
    center.notify([job.user_id], "job_done", job.project, text, url)
    db.session.commit()
