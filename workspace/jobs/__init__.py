"""Long work off the request path: report files, exports, digests (issue 20).

A view calls :func:`enqueue` and answers at once; a worker process runs the job:

- with Redis (``REDIS_URL``), **RQ** carries the job's id to ``flask jobs worker`` (the
  Procfile's ``worker:`` line), any number of them;
- without Redis (the embedded default, ``make run``), the ``job`` table is the queue: the
  first :func:`enqueue` starts one local worker process (``flask jobs worker --local``) that
  polls it and stops with the web process that started it.

Either way the ``job`` row holds the state that pages show (``queued`` → ``running`` →
``done`` / ``failed``, a progress in percent, the result or a French message); the owner
polls ``/jobs/<id>`` and is notified when it ends, live in every open tab (through Redis, or
without it relayed by the web process: ``relay.py``). A handler is declared with
:func:`handler`, receives the job and a ``progress(percent)`` callback, runs inside a request
context of the configured public address, signed in as the job's owner and in their language,
and returns a JSON-able result.
A failure is retried (:data:`ATTEMPTS` in all) before the job is marked failed; raise
:class:`JobError` for a failure that a retry cannot mend (its message is shown as is). A job
may leave a file for its owner to download (``files.py``).

The same worker also runs work nobody asked for, on a schedule (``periodic.py``): webhook
deliveries, the daily digest, forgetting old jobs.
"""

from __future__ import annotations

from . import files  # noqa: F401 - registers the clean-up of finished jobs
from .models import DONE, FAILED, QUEUED, RUNNING, Job
from .queue import backend, dispatch, enqueue
from .registry import ATTEMPTS, HANDLERS, JobError, handler

__all__ = [
    "ATTEMPTS",
    "DONE",
    "FAILED",
    "HANDLERS",
    "QUEUED",
    "RUNNING",
    "Job",
    "JobError",
    "backend",
    "dispatch",
    "enqueue",
    "handler",
]
