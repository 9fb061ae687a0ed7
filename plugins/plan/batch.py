"""Group commit of live plan updates: the updates that arrive together share one transaction.

A ``plan:update`` handler, once it has merged and relayed its update, hands it to
:func:`store` and waits. The first handler to find nobody writing becomes the writer: it
stores every update queued at that moment (one row each, the activity entries due, a
compaction now and then) in its own session, commits once, wakes the others with the outcome,
and passes the pen to the first update queued meanwhile. While it waits for the database the
other handlers run (gevent), so a burst of twenty keystrokes costs one or two commits instead
of twenty. A failed batch fails each of its updates: every sender is told to sync again (the
editor keeps what the server lacks), nothing is half-saved. One writer per application and
process; other processes have their own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import current_app

from workspace.extensions import db, socketio

from . import crdt
from . import operations as ops

WAIT = 30  # seconds a queued update waits for its batch before its sender is told to retry


@dataclass(eq=False)
class _Pending:
    section_id: int
    user_id: int
    merged: crdt.Merged
    woken: threading.Event = field(default_factory=threading.Event)
    writer: bool = False  # this handler writes the next batch
    stored: bool = False


@dataclass
class _Queue:
    lock: threading.Lock = field(default_factory=threading.Lock)
    pending: list[_Pending] = field(default_factory=list)
    writing: bool = False
    batches: int = 0  # written, for the tests


_queues_lock = threading.Lock()


def _queue() -> _Queue:
    with _queues_lock:
        return current_app.extensions.setdefault("plan.batch", _Queue())


def store(section_id: int, user_id: int, merged: crdt.Merged) -> bool:
    """Store one merged update with those queued beside it; True once committed.

    Ends the caller's transaction first: a handler waiting for the writer holds no database
    connection. Committed, not rolled back: a first merge may have created the section's
    content row."""
    try:
        db.session.commit()
    except Exception:  # the database: the batch will tell (and the sender will retry)
        db.session.rollback()
        current_app.logger.exception("plan update: ending the read transaction failed")
    queue, mine = _queue(), _Pending(section_id, user_id, merged)
    with queue.lock:
        queue.pending.append(mine)
        if not queue.writing:
            queue.writing = mine.writer = True
    if not mine.writer:
        mine.woken.wait(WAIT)
        with queue.lock:
            if not mine.writer and not mine.woken.is_set():  # the writer is stuck
                if mine in queue.pending:
                    queue.pending.remove(mine)
                return False
        if not mine.writer:
            return mine.stored
    _write_next_batch(queue)
    return mine.stored


def _write_next_batch(queue: _Queue) -> None:
    # Let the handlers ready to run queue their updates first: SQLite's I/O does not yield to
    # them, so without this pause its batches would hold one update each.
    socketio.sleep(0)
    with queue.lock:
        batch, queue.pending = queue.pending, []
    try:
        _write(batch)
    finally:
        with queue.lock:
            queue.batches += 1
            if queue.pending:  # arrived while this batch was written: the next writer
                queue.pending[0].writer = True
                queue.pending[0].woken.set()
            else:
                queue.writing = False
        for pending in batch:
            pending.woken.set()


def _write(batch: list[_Pending]) -> None:
    try:
        for p in batch:
            crdt.store(p.section_id, p.user_id, p.merged)
        for section_id, user_id in dict.fromkeys((p.section_id, p.user_id) for p in batch):
            ops.record_edit_of(section_id, user_id)
        db.session.commit()
    except Exception:  # the database, say: each editor keeps its update and syncs again
        db.session.rollback()
        sections = sorted({p.section_id for p in batch})
        for section_id in sections:
            crdt.forget(section_id)  # the copy holds updates the database does not
        current_app.logger.exception("plan updates not stored (sections %s)", sections)
        return
    for p in batch:
        p.stored = True
