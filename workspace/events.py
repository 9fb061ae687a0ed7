"""Domain events: one call records the activity, signals the plugins and queues the notice.

Operations call :func:`publish` after mutating and flushing. It

1. appends an :class:`~workspace.models.Activity` row in the same transaction (its French
   summary, and the English one, are rendered now so that the log never changes), inserted
   when the transaction commits, chained to the project's previous entry in commit order;
2. sends the blinker signal named after the event type (e.g. ``task:moved``) and the catch-all
   :data:`project_event`, so that plugins (notifications, webhooks…) can react;
3. queues a small realtime notice on the database session. The realtime hub emits the queued
   notices **after** the commit succeeds; a rollback discards them. Domain code never imports
   Socket.IO.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from blinker import Namespace
from flask_babel import force_locale
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from workspace.cache.revisions import in_commit_order, touch
from workspace.extensions import db
from workspace.models import Activity, Project, utcnow

signals = Namespace()

#: Sent for every published event, with ``event=Event``.
project_event = signals.signal("project-event")
#: session.info key: the activity entries this transaction will chain and insert at commit.
LOG_PENDING = "activity:pending"
#: Sent after commit for every notice emitted (the realtime hub listens).
notices_committed = signals.signal("notices-committed")


def signal(event_type: str):
    """The blinker signal of one event type, e.g. ``signal("task:moved")``."""
    return signals.signal(event_type)


@dataclass
class Event:
    """What happened. ``type`` is ``<object>:<verb>`` (``task:moved``); ``keys`` name the live
    fragments to refresh (``task:42``, ``column:3``); ``data`` is extra public payload."""

    type: str
    project_id: int
    object_id: int | None
    actor_id: int | None
    summary: dict[str, str]
    keys: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    def notice(self) -> dict:
        return {
            "type": self.type,
            "project": self.project_id,
            "id": self.object_id,
            "by": self.actor_id,
            "keys": self.keys or [f"{self.type.split(':')[0]}:{self.object_id}"],
            "summary": self.summary,
            **self.data,
        }


def render_summary(summary) -> dict[str, str]:
    """A lazy French summary rendered in both languages, ``{"fr": …, "en": …}`` (500 chars)."""
    out = {}
    for lang in ("fr", "en"):
        with force_locale(lang):
            out[lang] = str(summary)[:500]
    return out


def publish(
    type: str,
    project: Project,
    actor,
    summary,
    *,
    object_id: int | None = None,
    keys: list[str] | None = None,
    log: bool = True,
    data: dict | None = None,
) -> Event:
    """Record, signal and queue one domain event (see module docstring).

    ``summary`` is a lazy string (``_l("a déplacé « %(t)s »", t=...)``) so that both the French
    and the English text are stored. ``log=False`` skips the activity log (presence, typing).
    """
    actor_id = getattr(actor, "id", None)
    payload = {"by_name": getattr(actor, "name", ""), **(data or {})}
    ev = Event(
        type, project.id, object_id, actor_id, render_summary(summary), list(keys or []), payload
    )
    if log:
        append_activity(project, actor_id, ev)
    # The project's cached fragments are renewed with this commit (its parts by the writes).
    touch(project.id)
    project_event.send(project, event=ev)
    signal(type).send(project, event=ev)
    db.session.info.setdefault("notices", []).append(ev.notice())
    return ev


def _hash(prev: str, ev_fields: tuple) -> str:
    raw = "|".join([prev, *(str(f) for f in ev_fields)])
    return hashlib.sha256(raw.encode()).hexdigest()


def append_activity(project: Project, actor_id: int | None, ev: Event) -> Activity:
    """Queue a log entry for the project; it is inserted when the transaction commits.

    Each entry carries the hash of the project's previous entry (tamper evidence). Two
    transactions reading that previous entry at the same time would both chain to it and
    fork the log, so the entry is chained and inserted by the commit hook, while the
    transaction holds the project's revision row (:data:`in_commit_order`): one writer of the
    project at a time, its entries' ids in the order of the chain."""
    entry = Activity(
        project_id=project.id,
        actor_id=actor_id,
        verb=ev.type,
        object_type=ev.type.split(":")[0],
        object_id=ev.object_id,
        summary=ev.summary["fr"],
        summary_en=ev.summary["en"],
        created_at=utcnow(),
    )
    db.session.info.setdefault(LOG_PENDING, []).append(entry)
    touch(project.id)  # the revision row is the lock the chain is written under
    return entry


def chain_pending(session: Session) -> None:
    """Chain and add the transaction's queued entries: run by the commit hook in commit order
    (see above), or earlier by a caller that is the project's only writer (the demo's
    story, which back-dates the entries before it commits)."""
    entries = session.info.pop(LOG_PENDING, None)
    last: dict[int, str] = {}
    for entry in entries or ():
        if entry.project_id not in last:
            last[entry.project_id] = (
                session.scalar(
                    db.select(Activity.entry_hash)
                    .filter_by(project_id=entry.project_id)
                    .order_by(Activity.id.desc())
                    .limit(1)
                )
                or ""
            )
        entry.prev_hash = last[entry.project_id]
        entry.entry_hash = last[entry.project_id] = _hash(entry.prev_hash, entry_fields(entry))
        session.add(entry)


in_commit_order.append(chain_pending)


def entry_fields(entry: Activity) -> tuple:
    return (
        entry.project_id,
        entry.actor_id,
        entry.verb,
        entry.object_id,
        entry.summary,
        entry.created_at.isoformat(timespec="seconds"),
    )


def verify_chain(project_id: int) -> int | None:
    """The id of the first activity entry whose chain is broken, or None if intact."""
    prev = ""
    rows = db.session.scalars(
        db.select(Activity).filter_by(project_id=project_id).order_by(Activity.id)
    )
    for entry in rows:
        if entry.prev_hash != prev or entry.entry_hash != _hash(prev, entry_fields(entry)):
            return entry.id
        prev = entry.entry_hash
    return None


@sa_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop("notices", None)
    if pending:
        notices_committed.send(None, notices=pending)


@sa_event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop("notices", None)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_log(session: Session, transaction) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(LOG_PENDING, None)  # rolled back (a commit has taken them already)
