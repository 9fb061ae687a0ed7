"""Outgoing mail: SMTP when configured, else the log and ``instance/outbox/`` (tests read it)."""

from __future__ import annotations

import json
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path

from flask import current_app


def outbox_dir() -> Path:
    return Path(current_app.instance_path) / "outbox"


def send_mail(to: str, subject: str, body: str) -> None:
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
