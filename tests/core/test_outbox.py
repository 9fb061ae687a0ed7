"""Mail off the request path (issue 20): a request queues its mail in its own transaction; the
job worker sends it; a failing mail server is retried later and never holds a request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import create_user
from workspace.extensions import db
from workspace.models import utcnow
from workspace.notifications import mail as mail_module
from workspace.notifications import outbox
from workspace.notifications.mail import queue_mail, read_outbox
from workspace.notifications.outbox import FAILED, MAX_ATTEMPTS, SENT, OutgoingMail, deliver_mail


@pytest.fixture
def smtp(monkeypatch):
    """The mail server, as the worker sees it: records what it is given, fails on demand."""
    calls: list[tuple] = []
    state = {"fail": False}

    def send(to, subject, body):
        calls.append((to, subject, body))
        if state["fail"]:
            raise ConnectionRefusedError("the mail server is away")

    monkeypatch.setattr(outbox, "send_mail", send)
    return calls, state


def test_a_request_queues_its_mail_and_the_worker_sends_it(client, smtp, monkeypatch):
    from workspace.jobs import local

    calls, _state = smtp
    woken = []
    monkeypatch.setattr(local, "ensure_local_worker", lambda: woken.append(1))
    create_user("Claire Martin", email="claire@example.org")
    r = client.post("/reset", data={"email": "claire@example.org"})
    assert r.status_code == 200
    assert calls == [] and woken  # the request sent nothing; it woke the worker
    [queued] = db.session.scalars(db.select(OutgoingMail)).all()
    assert (queued.to, queued.status, queued.attempts) == ("claire@example.org", "pending", 0)
    assert deliver_mail() == 1
    [(to, subject, body)] = calls
    assert to == "claire@example.org" and "mot de passe" in subject and "/reset/" in body
    db.session.refresh(queued)
    assert queued.status == SENT and queued.sent_at is not None
    assert deliver_mail() == 0  # sent once


def test_a_rollback_sends_nothing(app, smtp):
    queue_mail("claire@example.org", "Sujet", "Corps")
    db.session.rollback()
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(OutgoingMail.id))) == 0
    assert deliver_mail() == 0 and smtp[0] == []


def test_a_failing_server_is_tried_again_later_then_given_up(app, smtp):
    calls, state = smtp
    state["fail"] = True
    queue_mail("claire@example.org", "Sujet", "Corps")
    db.session.commit()
    assert deliver_mail() == 1
    queued = db.session.scalar(db.select(OutgoingMail))
    assert queued.status == "pending" and queued.attempts == 1
    assert "ConnectionRefusedError" in queued.last_error
    assert queued.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert deliver_mail() == 0  # not before its time
    for _ in range(MAX_ATTEMPTS - 1):
        queued.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert deliver_mail() == 1
    db.session.refresh(queued)
    assert queued.status == FAILED and queued.attempts == MAX_ATTEMPTS
    assert len(calls) == MAX_ATTEMPTS


def test_the_server_recovers_and_the_message_goes(app, smtp):
    calls, state = smtp
    state["fail"] = True
    queue_mail("claire@example.org", "Sujet", "Corps")
    db.session.commit()
    deliver_mail()
    state["fail"] = False
    queued = db.session.scalar(db.select(OutgoingMail))
    queued.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_mail() == 1
    db.session.refresh(queued)
    assert queued.status == SENT and queued.last_error == "" and len(calls) == 2


def test_without_a_server_the_worker_writes_the_outbox_folder(app):
    queue_mail("claire@example.org", "Sujet", "Corps")
    db.session.commit()
    assert mail_module.read_outbox() == []  # queued, not sent yet
    deliver_mail()
    assert read_outbox() == [{"to": "claire@example.org", "subject": "Sujet", "body": "Corps"}]


def test_a_sent_message_keeps_no_link_and_is_forgotten_later(app, smtp, monkeypatch):
    """A reset or invitation link must not stay readable in the database once mailed."""
    from workspace.notifications.outbox import forget_old_mail

    calls, _state = smtp
    queue_mail("claire@example.org", "Réinitialiser", "https://coopilote.example/reset/SECRET")
    queue_mail("karim@example.org", "Invitation", "https://coopilote.example/invitations/SECRET")
    db.session.commit()
    deliver_mail()
    assert all(body.endswith("SECRET") for _to, _s, body in calls) and len(calls) == 2
    assert all(m.body == "" for m in db.session.scalars(db.select(OutgoingMail)))
    monkeypatch.setitem(app.config, "JOBS_KEEP_DAYS", "7")
    assert forget_old_mail() == 0  # kept a while (what was sent, to whom, when)
    for mail in db.session.scalars(db.select(OutgoingMail)):
        mail.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert forget_old_mail() == 2
    assert db.session.scalar(db.select(db.func.count(OutgoingMail.id))) == 0
