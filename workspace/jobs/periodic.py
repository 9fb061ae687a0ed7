"""Work the worker does by itself, on a schedule: nobody asked for it, nobody waits on it.

A task is a function declared with :func:`periodic`; the worker's ticker runs it at most every
``every`` seconds, in a fresh application context inside a request on the public address
(e-mails carry links), and logs its failures (the next tick tries again). Built in: due webhook
deliveries (``api/webhooks.py``), the daily digest (``notifications/digest.py``), forgetting
finished jobs and their files (``jobs/files.py``).

One process ticks at a time: the local worker (one per instance, its pid file says so), or
under RQ the worker that holds a Redis lease (:data:`LEASE_KEY`), so that two workers never
deliver the same webhook or send the same digest twice. ``queue.wake`` asks for a task at
once, after a commit (a webhook queued by a change goes out without waiting for the next tick).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from workspace.extensions import db
from workspace.models import utcnow

log = logging.getLogger("workspace.jobs")
LEASE_KEY = "coopilote:jobs:ticker"
TICK = 1.0  # seconds between two looks at what is due


@dataclass(frozen=True)
class Periodic:
    name: str
    run: Callable[[], object]
    every: float  # seconds


TASKS: dict[str, Periodic] = {}


def periodic(name: str, every: float):
    """Register ``fn()`` to run every ``every`` seconds in the worker."""

    def register(fn):
        TASKS[name] = Periodic(name, fn, every)
        return fn

    return register


def claim_due(model, lease: timedelta = timedelta(minutes=1)):
    """The next row of ``model`` due now (``status`` pending, ``next_attempt_at`` passed),
    leased for ``lease`` and committed, so that another worker skips it (``FOR UPDATE SKIP
    LOCKED`` on PostgreSQL); None when nothing is due. The queues of outgoing webhooks and
    mail use it."""
    now = utcnow()
    row = db.session.scalar(
        db.select(model)
        .where(model.status == "pending", model.next_attempt_at <= now)
        .order_by(model.next_attempt_at, model.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if row is None:
        db.session.rollback()
        return None
    row.next_attempt_at = now + lease
    db.session.commit()
    return row


def drain_due(model, attempt: Callable[[object], None], limit: int) -> int:
    """Claim and ``attempt(row)`` the due rows of ``model`` one at a time, at most ``limit``;
    how many attempts were made."""
    done = 0
    while done < limit:
        row = claim_due(model)
        if row is None:
            break
        attempt(row)
        done += 1
    return done


def run_task(name: str) -> bool:
    """Run one task now in a fresh context; False when it failed (logged, rolled back)."""
    app = current_app._get_current_object()
    base = app.config.get("BASE_URL") or "http://localhost"
    with app.app_context(), app.test_request_context(base_url=base):
        try:
            TASKS[name].run()
            db.session.commit()
            return True
        except Exception:
            db.session.rollback()
            log.exception("periodic task %s failed", name)
            return False
        finally:
            db.session.remove()


class Ticker:
    """When each task last ran in this process, and the loop that runs what is due."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}

    def tick(self) -> list[str]:
        """Run the tasks that are due; their names."""
        now = time.monotonic()
        ran = []
        for task in list(TASKS.values()):
            if now - self.last.get(task.name, float("-inf")) >= task.every:
                self.last[task.name] = now
                run_task(task.name)
                ran.append(task.name)
        return ran

    def loop(self, app, stop: threading.Event, may_tick: Callable[[], bool] = lambda: True):
        """Tick until ``stop`` is set; ``may_tick()`` says whether this process holds the
        lease (under RQ)."""
        with app.app_context():
            while not stop.is_set():
                try:
                    if may_tick():
                        self.tick()
                except Exception:  # Redis or the database away: try again at the next tick
                    log.exception("job ticker")
                stop.wait(TICK)


def start_ticker(app, may_tick: Callable[[], bool] = lambda: True) -> threading.Event:
    """Run the ticker in a daemon thread (a slow webhook receiver never delays a report);
    set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=Ticker().loop, args=(app, stop, may_tick), name="coopilote-ticker", daemon=True
    )
    thread.start()
    return stop
