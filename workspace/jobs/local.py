"""The embedded backend, without Redis: the ``job`` table is the queue, one local worker
process polls it. The web process starts that worker on its first job (and again when it is
gone); the worker stops when the process that started it ends."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import update

from workspace.extensions import db
from workspace.models import utcnow

from .models import QUEUED, RUNNING, Job

log = logging.getLogger("workspace.jobs")
_started: subprocess.Popen | None = None  # the worker this process started, if any
STALE_AFTER = 900  # seconds: a running job older than this was left by a dead worker


def next_queued() -> int | None:
    with db.engine.connect() as conn:
        return conn.scalar(db.select(Job.id).where(Job.status == QUEUED).order_by(Job.id).limit(1))


def run_pending(limit: int | None = None) -> int:
    """Run the queued jobs one after the other (tests call this); how many were run. The
    caller's session then starts a new transaction, so that it sees what the jobs wrote."""
    from .runner import run

    done = 0
    while limit is None or done < limit:
        job_id = next_queued()
        if job_id is None:
            break
        run(job_id)
        done += 1
    db.session.commit()
    return done


def requeue_stale() -> None:
    """Jobs left ``running`` by a worker that died go back to the queue."""
    cutoff = utcnow().timestamp() - STALE_AFTER
    with db.engine.begin() as conn:
        for job_id, started in conn.execute(
            db.select(Job.id, Job.started_at).where(Job.status == RUNNING)
        ):
            if started is None or started.timestamp() < cutoff:
                conn.execute(update(Job).where(Job.id == job_id).values(status=QUEUED))


def work(parent: int | None = None, poll: float = 0.5, stop=None) -> None:
    """The local worker's loop: run what is queued, then wait; stop when ``parent`` is gone
    or ``stop`` (a :class:`threading.Event`) is set. The periodic tasks tick beside it."""
    from .periodic import start_ticker

    requeue_stale()
    ticking = start_ticker(current_app._get_current_object())
    try:
        _loop(parent, poll, stop)
    finally:
        ticking.set()


def _loop(parent: int | None, poll: float, stop) -> None:
    while (parent is None or _alive(parent)) and not (stop is not None and stop.is_set()):
        try:
            ran = run_pending(limit=1)
        except Exception:  # the database away for a moment: the worker waits, it does not die
            log.exception("local job worker: could not run the queue")
            ran = 0
        db.session.remove()
        if not ran:
            time.sleep(poll)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return os.getppid() == pid


def _worker_env(app) -> dict:
    """The environment of the worker: this process's, plus what the application was given
    in code rather than in the environment (a test server's database, its upload folder), so
    that both read and write the same places."""
    env = dict(os.environ, WORKSPACE_INSTANCE_PATH=app.instance_path)
    env["WORKSPACE_DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    env["WORKSPACE_UPLOAD_DIR"] = app.config["UPLOAD_DIR"]
    for key in ("REDIS_URL", "BASE_URL", "JOBS_BACKEND"):
        if app.config.get(key):
            env[f"WORKSPACE_{key}"] = str(app.config[key])
    return env


def _pid_file() -> Path:
    return Path(current_app.instance_path) / "jobs-worker.pid"


def ensure_local_worker() -> None:
    """Start the local worker unless one runs (``JOBS_SPAWN_WORKER`` off: tests run the
    queue themselves)."""
    global _started
    if not current_app.config.get("JOBS_SPAWN_WORKER", True):
        return
    if _started is not None and _started.poll() is None:
        return  # ours runs (poll() also reaps it once it has ended)
    pid_file = _pid_file()
    try:
        pid = int(pid_file.read_text())
        if _started is None or pid != _started.pid:
            os.kill(pid, 0)
            return  # another web process's worker runs
    except (OSError, ValueError):
        pass
    env = _worker_env(current_app)
    cmd = [sys.executable, "-m", "flask", "--app", "workspace", "jobs", "worker", "--local"]
    cmd += ["--parent", str(os.getpid())]
    _started = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL)
    pid_file.write_text(str(_started.pid))
    log.info("local job worker started (pid %s)", _started.pid)
