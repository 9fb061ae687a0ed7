"""Outgoing mail: queued with the change (:func:`queue_mail`, sent by the job worker through
``outbox.py``), then sent by SMTP when configured, else to the log and ``instance/outbox/``
(tests read it)."""

from __future__ import annotations

import json
import smtplib
import time
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workspace.extensions import db
from workspace.models import IdMixin, UTCDateTime, utcnow

PENDING, SENT, FAILED = "pending", "sent", "failed"


class OutgoingMail(IdMixin, db.Model):
    """One message waiting for (or done with) the mail server."""

    __revision__ = False  # not project content (cache/revisions.py)
    __tablename__ = "mail_outbox"
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def queue_mail(to: str, subject: str, body: str) -> OutgoingMail:
    """Send a message once the current transaction commits (a rollback sends nothing): it is
    written to the mail queue with the change, and the job worker sends it (``outbox.py``)."""
    mail = OutgoingMail(to=to, subject=subject[:300], body=body, next_attempt_at=utcnow())
    db.session.add(mail)
    db.session.info["mail_queued"] = True
    return mail


def outbox_dir() -> Path:
    return Path(current_app.instance_path) / "outbox"


def send_mail(to: str, subject: str, body: str) -> None:
    """Send now (the worker calls this; a request calls :func:`queue_mail`)."""
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    if cfg.get("MAIL_SERVER"):
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=15) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(msg)
        return
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}.json"
    (folder / name).write_text(
        json.dumps({"to": to, "subject": subject, "body": body}, ensure_ascii=False)
    )
    current_app.logger.info("mail to %s: %s\n%s", to, subject, body)


def read_outbox() -> list[dict]:
    """Every captured message, oldest first (development and tests)."""
    folder = outbox_dir()
    if not folder.exists():
        return []
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
