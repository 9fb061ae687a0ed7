"""Outgoing webhooks: queued with the event, delivered after commit by a background worker.

1. :func:`on_project_event` listens to :data:`workspace.events.project_event` and adds one
   :class:`WebhookDelivery` row per matching webhook **in the same transaction** as the change
   (a rollback queues nothing);
2. after the commit, the job worker is woken (``jobs/periodic.py``: under RQ a worker delivers
   at once, the local worker looks every second or two; either way never the web process); it
   claims due deliveries one at a time
   (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several processes can share the queue), POSTs
   the JSON payload signed with HMAC-SHA256 (``X-Coopilote-Signature: sha256=<hex>``) and
   retries failures with exponential backoff (30 s, 1, 2, 4, 8 min by default; 6 attempts).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import timedelta

import click
import requests
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from workspace.api.models import Webhook, WebhookDelivery
from workspace.api.ssrf import UnsafeUrl, check_url
from workspace.events import project_event
from workspace.extensions import db
from workspace.jobs.periodic import drain_due, periodic
from workspace.jobs.queue import wake
from workspace.models import utcnow

MAX_ATTEMPTS = 6
TIMEOUT = (3, 10)
USER_AGENT = "Coopilote-Webhooks/1"

#: The event types offered as checkboxes, by object; ``<object>:*`` subscribes to all of them.
EVENT_GROUPS = {
    "project": (
        _l("Projet"),
        ["project:updated", "project:stage", "project:archived", "project:restored"],
    ),
    "member": (
        _l("Membres"),
        ["member:added", "member:joined", "member:changed", "member:removed"],
    ),
    "task": (
        _l("Tâches"),
        [
            "task:created",
            "task:updated",
            "task:moved",
            "task:assigned",
            "task:archived",
            "task:restored",
            "task:deleted",
        ],
    ),
    "item": (_l("Points de checklist"), ["item:updated", "item:verified", "item:unverified"]),
    "milestone": (
        _l("Jalons"),
        [
            "milestone:created",
            "milestone:updated",
            "milestone:submitted",
            "milestone:validated",
            "milestone:returned",
            "milestone:reopened",
        ],
    ),
    "funding": (_l("Financement"), ["funding:created", "funding:updated", "funding:repayable"]),
    "indicator": (_l("Indicateurs"), ["indicator:created", "indicator:updated"]),
    "measurement": (
        _l("Mesures"),
        ["measurement:created", "measurement:updated", "measurement:questioned"],
    ),
    "comment": (_l("Commentaires"), ["comment:created", "comment:edited", "comment:deleted"]),
}


def known_events() -> set[str]:
    out = {"*"}
    for group, (_label, types) in EVENT_GROUPS.items():
        out.add(f"{group}:*")
        out.update(types)
    return out


def sign(secret: str, body: bytes) -> str:
    """The value of ``X-Coopilote-Signature`` for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def new_secret() -> str:
    return secrets.token_urlsafe(24)


# --- queueing (in the caller's transaction) -------------------------------------------------


def on_project_event(project, event) -> None:
    hooks = db.session.scalars(db.select(Webhook).filter_by(project_id=project.id, active=True))
    for hook in hooks:
        if hook.wants(event.type):
            queue(hook, event.type, _payload(project, event))


def _payload(project, event) -> dict:
    return {
        "event": event.type,
        "project": {"id": project.id, "name": project.name},
        "object_id": event.object_id,
        "actor_id": event.actor_id,
        "summary": event.summary,
        "data": event.data,
        "occurred_at": utcnow().isoformat(),
    }


def queue(hook: Webhook, event_type: str, payload: dict) -> WebhookDelivery:
    delivery = WebhookDelivery(
        webhook_id=hook.id,
        event=event_type[:60],
        payload=json.dumps(payload, default=str, ensure_ascii=False),
        next_attempt_at=utcnow(),
    )
    db.session.add(delivery)
    db.session.info["webhooks_queued"] = True
    return delivery


@sa_event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.info.pop("webhooks_queued", None):
        try:
            wake("webhooks")
        except Exception:  # Redis away: the next tick of the worker delivers it
            current_app.logger.exception("could not wake the webhook delivery")


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    session.info.pop("webhooks_queued", None)


# --- delivery ---------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    base = float(current_app.config.get("WEBHOOKS_BACKOFF_SECONDS", 30))
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def deliver_due(limit: int = 50) -> int:
    """Deliver what is due now; returns how many attempts were made (the worker loops on it;
    ``flask --app workspace webhooks deliver`` runs it once)."""
    return drain_due(WebhookDelivery, attempt, limit)


def attempt(delivery: WebhookDelivery) -> None:
    hook = delivery.webhook
    body = delivery.payload.encode()
    delivery.attempts += 1
    try:
        check_url(hook.url)
        response = requests.post(
            hook.url,
            data=body,
            timeout=TIMEOUT,
            allow_redirects=False,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Coopilote-Event": delivery.event,
                "X-Coopilote-Delivery": str(delivery.id),
                "X-Coopilote-Signature": sign(hook.secret, body),
            },
        )
        delivery.last_status = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.last_error = "" if ok else f"HTTP {response.status_code}"
    except UnsafeUrl as exc:
        ok, delivery.last_status, delivery.last_error = False, None, str(exc)[:300]
        delivery.attempts = MAX_ATTEMPTS  # not retried: the address itself is refused
    except requests.RequestException as exc:
        ok, delivery.last_status = False, None
        delivery.last_error = type(exc).__name__
    if ok:
        delivery.status, delivery.delivered_at = "delivered", utcnow()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = utcnow() + backoff(delivery.attempts)
    db.session.commit()


@periodic("webhooks", every=2)
def deliver_pending() -> None:
    """The worker's share: what is due now (new deliveries, retries whose time has come)."""
    deliver_due()


@click.group("webhooks", help="Outgoing webhooks.")
def webhooks_cli():
    pass


@webhooks_cli.command("deliver")
def deliver_command():
    """Deliver the webhooks that are due now (the job worker also does it on its own)."""
    click.echo(f"{deliver_due(limit=1000)} attempts")


def init_webhooks(app) -> None:
    import os

    app.config.setdefault(
        "WEBHOOKS_ALLOW_PRIVATE", os.environ.get("WORKSPACE_WEBHOOKS_ALLOW_PRIVATE", "0")
    )
    project_event.connect(on_project_event, weak=False)
    app.cli.add_command(webhooks_cli)
