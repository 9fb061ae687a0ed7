"""Outgoing mail, queued with the change and sent by the job worker: a slow or absent mail
server never holds a request (it used to, up to 15 s per message).

``mail.queue_mail`` adds an :class:`~workspace.notifications.mail.OutgoingMail` row **in the
caller's transaction** (a rollback sends nothing; a committed change always has its mail), and
the worker is woken after the commit. The worker's
periodic task ``mail`` (``jobs/periodic.py``) claims due messages one at a time (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL) and sends them through
:func:`~workspace.notifications.mail.send_mail`; a failure is retried after 1, 2, 4, 8…
minutes, :data:`MAX_ATTEMPTS` times in all, then the message is marked failed (the log says
why). A message's body (an invitation or reset link) is blanked once it is sent or given up,
and the row deleted ``JOBS_KEEP_DAYS`` days later.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from workspace.extensions import db
from workspace.jobs.files import keep_cutoff
from workspace.jobs.periodic import drain_due, periodic
from workspace.jobs.queue import wake
from workspace.models import utcnow

from .mail import FAILED, PENDING, SENT, OutgoingMail, send_mail

__all__ = ["FAILED", "MAX_ATTEMPTS", "PENDING", "SENT", "OutgoingMail", "deliver_mail"]

log = logging.getLogger("workspace.mail")
MAX_ATTEMPTS = 8


@sa_event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.info.pop("mail_queued", None):
        try:
            wake("mail")
        except Exception:  # Redis away: the worker's next tick sends it
            current_app.logger.exception("could not wake the mail delivery")


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    session.info.pop("mail_queued", None)


@periodic("mail", every=2)
def deliver_mail(limit: int = 100) -> int:
    """Send what is due; how many attempts were made."""
    return drain_due(OutgoingMail, _attempt, limit)


def _attempt(mail: OutgoingMail) -> None:
    mail.attempts += 1
    try:
        send_mail(mail.to, mail.subject, mail.body)
    except Exception as exc:  # smtplib.SMTPException, OSError, a refused recipient…
        log.warning("mail to %s failed (attempt %s): %s", mail.to, mail.attempts, exc)
        mail.last_error = f"{type(exc).__name__}: {exc}"[:300]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status, mail.body = FAILED, ""
        else:
            mail.next_attempt_at = utcnow() + timedelta(minutes=2 ** (mail.attempts - 1))
    else:
        mail.status, mail.sent_at, mail.last_error, mail.body = SENT, utcnow(), "", ""
    db.session.commit()


@periodic("forget-mail", every=3600)
def forget_old_mail() -> int:
    """Delete the messages sent or given up more than ``JOBS_KEEP_DAYS`` days ago; how many.
    (Their bodies, which may hold a sign-in link, are already blanked once they are done.)"""
    cutoff = keep_cutoff()
    done = db.session.execute(
        db.delete(OutgoingMail).where(
            OutgoingMail.status.in_((SENT, FAILED)), OutgoingMail.created_at < cutoff
        )
    ).rowcount
    db.session.commit()
    return done
