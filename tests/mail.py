"""Mail in tests: a request only queues it (``notifications/outbox.py``); reading what was
sent first runs the job worker's mail task, as the worker would within two seconds."""

from __future__ import annotations

from workspace.extensions import db
from workspace.notifications import mail
from workspace.notifications.outbox import deliver_mail


def read_outbox() -> list[dict]:
    """Send what is queued (to ``instance/outbox/``, no server in tests), then every message
    sent so far, oldest first."""
    deliver_mail()
    db.session.commit()
    return mail.read_outbox()
