"""Files a job makes (a project backup) or is given (a backup to restore), kept beside it.

They live in ``<instance>/jobs/<job id>/``, outside the uploads (they are not project
documents: only the job's owner downloads them, ``/jobs/<id>/file``), and are forgotten with
the job :data:`JOBS_KEEP_DAYS <workspace.config>` days after it ended.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import abort, current_app

from workspace.extensions import db
from workspace.models import utcnow
from workspace.web.uploads import send_attachment

from .models import DONE, FAILED, Job
from .periodic import periodic


def job_dir(job_id: int) -> Path:
    return Path(current_app.instance_path) / "jobs" / str(int(job_id))


@contextmanager
def new_file(job_id: int, name: str):
    """Write the job's file ``name`` (a plain name, no folder) through the yielded binary
    file; it appears whole when the block ends, and not at all if the block fails."""
    if Path(name).name != name or name.startswith("."):
        raise ValueError(name)
    folder = job_dir(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.part"
    try:
        with tmp.open("wb") as fh:
            yield fh
        tmp.replace(folder / name)  # a download never sees half a file
    finally:
        tmp.unlink(missing_ok=True)


def send_job_file(job: Job):
    """The file named by a finished job's result (``{"file": {"name", "type"}}``), as an
    attachment; 404 when there is none or it was forgotten."""
    spec = (job.result or {}).get("file") if job.status == DONE else None
    path = job_dir(job.id) / str(spec.get("name", "")) if spec else None
    if path is None or Path(spec["name"]).name != spec["name"] or not path.is_file():
        abort(404)
    return send_attachment(path, spec.get("type") or "application/octet-stream", spec["name"])


def discard_files(job_id: int) -> None:
    shutil.rmtree(job_dir(job_id), ignore_errors=True)


def keep_cutoff():
    """What ended before this moment is forgotten (``JOBS_KEEP_DAYS`` days ago)."""
    return utcnow() - timedelta(days=int(current_app.config.get("JOBS_KEEP_DAYS") or 7))


@periodic("forget-jobs", every=3600)
def forget_old_jobs() -> int:
    """Delete the jobs that ended more than ``JOBS_KEEP_DAYS`` days ago, with their files;
    how many."""
    cutoff = keep_cutoff()
    old = list(
        db.session.scalars(
            db.select(Job.id).where(Job.status.in_((DONE, FAILED)), Job.finished_at < cutoff)
        )
    )
    if old:
        db.session.execute(db.delete(Job).where(Job.id.in_(old)))
        db.session.commit()
        for job_id in old:
            discard_files(job_id)
    _sweep_orphans()
    return len(old)


def _sweep_orphans(grace: float = 3600) -> None:
    """Folders of jobs deleted with their project or owner (an hour old at least: a job's
    folder may be written just before its row is committed)."""
    root = Path(current_app.instance_path) / "jobs"
    folders = [p for p in root.iterdir() if p.name.isdigit()] if root.is_dir() else []
    if not folders:
        return
    known = set(
        db.session.scalars(db.select(Job.id).where(Job.id.in_([int(p.name) for p in folders])))
    )
    limit = utcnow().timestamp() - grace
    for folder in folders:
        if int(folder.name) not in known and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
