"""Job kinds and their handlers (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ATTEMPTS = 3


class JobError(Exception):
    """A failure not worth retrying; ``str(error)`` is the French message for its owner."""


@dataclass(frozen=True)
class Handler:
    kind: str
    run: Callable  # run(job, progress) -> dict
    timeout: int  # seconds before RQ stops it


HANDLERS: dict[str, Handler] = {}


def handler(kind: str, timeout: int = 600):
    """Register ``fn(job, progress) -> dict`` as the handler of ``kind``; ``fn.describe(job)``,
    when set, names the work in the owner's notification (a lazy string)."""

    def register(fn):
        HANDLERS[kind] = Handler(kind, fn, timeout)
        return fn

    return register


def describe(job) -> str:
    """What the job makes, in words (``fn.describe(job)``, a lazy string), else its kind."""
    spec = HANDLERS.get(job.kind)
    describe_fn = getattr(spec.run, "describe", None) if spec else None
    return describe_fn(job) if describe_fn else job.kind
