"""The activity log's hash chain under concurrent writers (found by bench/soak.py).

Each entry carries the hash of the project's previous entry. When two transactions read that
previous entry before either committed, both chained to it and the log forked: the chain
check then reported tampering where there was none. Entries are now chained and inserted by
the commit hook while the transaction holds the project's revision row.
"""

from __future__ import annotations

import threading

from tests.factories import project_with_roles
from workspace.cache import revisions
from workspace.events import publish, verify_chain
from workspace.extensions import db
from workspace.models import Activity, Project, User


def _publish(app, project_id: int, user_id: int, text: str, before_commit=None, errors=None):
    """In a thread of its own (its own session and connection): publish, then commit."""
    try:
        with app.app_context():
            project, actor = db.session.get(Project, project_id), db.session.get(User, user_id)
            publish("project:updated", project, actor, text, object_id=project_id)
            if before_commit:
                before_commit()
            db.session.commit()
            db.session.remove()
    except Exception as exc:  # reported by the test, not lost in the thread
        errors.append(repr(exc))


def _run(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)


def _log(project_id: int) -> list[str]:
    return db.session.scalars(
        db.select(Activity.summary).filter_by(project_id=project_id).order_by(Activity.id)
    ).all()


def test_two_writers_published_before_either_committed_chain_in_commit_order(app):
    project, people = project_with_roles()
    db.session.commit()
    pid, adviser, director = project.id, people["adviser"].id, people["director"].id
    a_published, b_committed, errors = threading.Event(), threading.Event(), []

    def a_waits():
        a_published.set()
        assert b_committed.wait(30)

    def b():
        assert a_published.wait(30)
        _publish(app, pid, director, "B", errors=errors)
        b_committed.set()

    threads = [
        threading.Thread(target=_publish, args=(app, pid, adviser, "A", a_waits, errors)),
        threading.Thread(target=b),
    ]
    _run(threads)
    assert errors == []
    assert _log(project.id)[-2:] == ["B", "A"]  # A committed last: it comes last
    assert verify_chain(project.id) is None


def test_a_writer_waits_while_another_chains_its_entries(app, monkeypatch):
    """While one transaction is inside its commit (entries chained, not yet committed), a
    second writer of the same project cannot commit: it would chain to a stale entry."""
    project, people = project_with_roles()
    db.session.commit()
    pid, adviser, director = project.id, people["adviser"].id, people["director"].id
    a_in_commit, b_done, errors, seen = threading.Event(), threading.Event(), [], []

    def hold(session):
        if threading.current_thread().name == "A":
            a_in_commit.set()
            seen.append(b_done.wait(1.0))  # B must still be waiting for A's commit

    monkeypatch.setattr(revisions, "in_commit_order", [*revisions.in_commit_order, hold])

    def b():
        assert a_in_commit.wait(30)
        _publish(app, pid, director, "B", errors=errors)
        b_done.set()

    threads = [
        threading.Thread(
            target=_publish,
            args=(app, pid, adviser, "A", None, errors),
            name="A",
        ),
        threading.Thread(target=b, name="B"),
    ]
    _run(threads)
    assert errors == []
    assert seen == [False]
    assert _log(project.id)[-2:] == ["A", "B"]
    assert verify_chain(project.id) is None


def test_a_rolled_back_transaction_logs_nothing(app):
    project, people = project_with_roles()
    db.session.commit()
    before = _log(project.id)
    publish("project:updated", project, people["director"], "annulé", object_id=project.id)
    db.session.rollback()
    publish("project:updated", project, people["director"], "gardé", object_id=project.id)
    db.session.commit()
    assert _log(project.id) == [*before, "gardé"]
    assert verify_chain(project.id) is None


def test_a_comment_post_and_another_writer_do_not_deadlock(app):
    """A comment post locks the project row until it commits (its id in commit order). Another
    writer of the project, inside its commit and holding the project's revision row, inserts
    its log entry, whose foreign key takes a key-share lock on that project row: with FOR
    UPDATE each waited for the other (PostgreSQL's deadlock detector then failed one, a 503)."""
    from plugins.comments.operations import post_comment

    project, people = project_with_roles()
    db.session.commit()
    pid, adviser, director = project.id, people["adviser"].id, people["director"].id
    postgres = db.engine.dialect.name == "postgresql"
    posted, other_done, errors, seen = threading.Event(), threading.Event(), [], []

    def comment():
        try:
            with app.app_context():
                author = db.session.get(User, adviser)
                post_comment(db.session.get(Project, pid), author, "project", pid, "Bonjour")
                posted.set()
                # PostgreSQL: the other writer commits meanwhile; SQLite: it waits for the
                # database's write lock, which this transaction holds.
                seen.append(other_done.wait(5 if postgres else 0.2))
                db.session.commit()
                db.session.remove()
        except Exception as exc:
            errors.append(repr(exc))

    def other():
        assert posted.wait(30)
        _publish(app, pid, director, "autre", errors=errors)
        other_done.set()

    threads = [threading.Thread(target=comment), threading.Thread(target=other)]
    _run(threads)
    assert errors == []
    assert seen == [postgres]
    assert verify_chain(pid) is None
