"""Group commit of live updates (plugins/plan/batch.py): the updates queued while a batch is
written share the next transaction; a failed batch fails each of its updates and stores none;
a sender whose writer is stuck is told to retry."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event

from plugins.plan import batch, crdt
from plugins.plan import operations as ops
from plugins.plan.models import PlanUpdate
from workspace.extensions import db
from workspace.models import count

from .conftest import Editor


@pytest.fixture
def held(monkeypatch):
    """The first batch's writer stops inside its transaction until ``release`` is set."""
    writing, release = threading.Event(), threading.Event()
    real_store = crdt.store

    def store(*args):
        if not writing.is_set():
            writing.set()
            release.wait(10)
        return real_store(*args)

    monkeypatch.setattr(crdt, "store", store)
    yield writing, release
    release.set()


def _sender(app, section_id, user_id, merged, results, key) -> threading.Thread:
    """A ``plan:update`` handler of its own (thread, app context and session)."""

    def run():
        with app.app_context():
            results[key] = batch.store(section_id, user_id, merged)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _updates(section_id: int, n: int) -> list[crdt.Merged]:
    merged = [crdt.merge(section_id, Editor().type(0, f"mot{k} ")) for k in range(n)]
    db.session.commit()  # the test's own transaction ends: the senders write
    return merged


def _until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _stored_text(section_id: int) -> str:
    crdt.forget(section_id)
    return "".join(b.text for b in crdt.current_blocks(section_id))


def test_updates_queued_while_a_batch_is_written_share_the_next_commit(app, plan, held):
    _project, people, sections = plan
    sid, uid, queue = sections[0].id, people["director"].id, batch._queue()
    merged, results, batches = _updates(sid, 4), {}, queue.batches
    writing, release = held
    commits = []

    def committed(conn):
        commits.append(conn)

    event.listen(db.engine, "commit", committed)
    try:
        threads = [_sender(app, sid, uid, merged[0], results, 0)]
        assert writing.wait(10)  # the first sender writes its batch (itself alone)
        threads += [_sender(app, sid, uid, m, results, k) for k, m in enumerate(merged[1:], 1)]
        _until(lambda: len(queue.pending) == 3)  # the others wait in the queue
        release.set()
        for thread in threads:
            thread.join(10)
    finally:
        event.remove(db.engine, "commit", committed)
    assert results == {0: True, 1: True, 2: True, 3: True}
    assert queue.batches - batches == 2 and len(commits) == 2
    assert count(db.select(PlanUpdate)) == 4
    assert sorted(_stored_text(sid).split()) == ["mot0", "mot1", "mot2", "mot3"]


def test_a_failed_batch_fails_each_of_its_updates_and_stores_none(app, plan, monkeypatch):
    _project, people, sections = plan
    sid, uid = sections[0].id, people["director"].id
    merged, results = _updates(sid, 1), {}

    def down(*args):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(ops, "record_edit_of", down)
    _sender(app, sid, uid, merged[0], results, 0).join(10)
    assert results == {0: False}
    assert count(db.select(PlanUpdate)) == 0
    assert _stored_text(sid) == ""  # the process's copy was dropped with the update
    monkeypatch.undo()
    again = _updates(sid, 1)
    _sender(app, sid, uid, again[0], results, 1).join(10)
    assert results[1] is True and _stored_text(sid) == "mot0 "


def test_a_sender_whose_writer_is_stuck_is_told_to_retry(app, plan, held, monkeypatch):
    _project, people, sections = plan
    sid, uid, queue = sections[0].id, people["director"].id, batch._queue()
    merged, results = _updates(sid, 2), {}
    writing, release = held
    monkeypatch.setattr(batch, "WAIT", 0.2)
    first = _sender(app, sid, uid, merged[0], results, 0)
    assert writing.wait(10)
    _sender(app, sid, uid, merged[1], results, 1).join(10)
    assert results == {1: False} and queue.pending == []  # no longer queued: it resends
    release.set()
    first.join(10)
    assert results[0] is True and not queue.writing
    assert count(db.select(PlanUpdate)) == 1
