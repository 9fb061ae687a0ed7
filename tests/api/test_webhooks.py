"""Webhooks: queued with the event (not after a rollback), signed, delivered by the worker with
retries after a failure, SSRF refusals, and the coordinators' page."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from workspace.api import ssrf, webhooks
from workspace.api.models import Webhook, WebhookDelivery
from workspace.api.ssrf import UnsafeUrl, check_url
from workspace.extensions import db
from workspace.models import utcnow


class Receiver:
    """An HTTP server on 127.0.0.1 answering the given status codes in turn."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.received: list[tuple[dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                code = outer.codes.pop(0) if outer.codes else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """No network in tests: names resolve to a public address, except the local ones."""
    real = ssrf.resolve

    def fake(host, port):
        if host in ("localhost", "loopback.test"):
            return ["127.0.0.1"]
        if host.replace(".", "").isdigit() or ":" in host:
            return real(host, port)
        return ["93.184.216.34"]

    monkeypatch.setattr(ssrf, "resolve", fake)


@pytest.fixture
def allow_private(app):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = "1"
    yield
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = "0"


def _hook(project, url, events=("*",)):
    hook = Webhook(project_id=project.id, url=url, secret="s3cret", events=list(events))
    db.session.add(hook)
    db.session.commit()
    return hook


def _verify(secret: str, headers: dict, body: bytes) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Coopilote-Signature"])


def test_signed_delivery_with_retry_after_500(roles_project, api_for, allow_private, app):
    project, people = roles_project
    receiver = Receiver([500, 200])
    try:
        hook = _hook(project, receiver.url, ["project:*"])
        api = api_for(people["coordinator"])
        url = f"/api/v1/projects/{project.id}"
        r = api.patch(url, {"summary": "Nouveau résumé"}, headers={"If-Match": "*"})
        assert r.status_code == 200
        delivery = db.session.scalar(db.select(WebhookDelivery))
        assert delivery.event == "project:updated" and delivery.status == "pending"
        assert webhooks.deliver_due() == 1
        db.session.refresh(delivery)
        assert delivery.status == "pending" and delivery.last_status == 500
        assert delivery.attempts == 1 and delivery.next_attempt_at > utcnow()
        assert webhooks.deliver_due() == 0  # not due yet: backoff
        delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert webhooks.deliver_due() == 1
        db.session.refresh(delivery)
        assert delivery.status == "delivered" and delivery.attempts == 2
        headers, body = receiver.received[-1]
        assert _verify(hook.secret, headers, body)
        assert not _verify("wrong", headers, body)
        payload = json.loads(body)
        assert payload["event"] == "project:updated" and payload["project"]["id"] == project.id
        assert headers["X-Coopilote-Event"] == "project:updated"
    finally:
        receiver.close()


def test_the_job_worker_delivers_never_the_web_process(
    roles_project, api_for, allow_private, app, monkeypatch
):
    """The request only queues the delivery (and wakes the worker); the local worker's ticker
    sends it."""
    from workspace.jobs import local
    from workspace.jobs.periodic import Ticker

    project, people = roles_project
    receiver = Receiver([200])
    woken = []
    monkeypatch.setattr(local, "ensure_local_worker", lambda: woken.append(1))
    try:
        _hook(project, receiver.url)
        api = api_for(people["coordinator"])
        api.patch(f"/api/v1/projects/{project.id}", {"summary": "x"}, headers={"If-Match": "*"})
        assert woken and not receiver.received  # answered before any delivery
        assert "webhooks" in Ticker().tick()
        assert len(receiver.received) == 1
        db.session.rollback()  # the test's session reads what the ticker wrote
        delivery = db.session.scalar(db.select(WebhookDelivery))
        assert delivery.status == "delivered"
    finally:
        receiver.close()


def test_under_rq_a_worker_delivers_at_once(
    roles_project, api_for, allow_private, app, monkeypatch
):
    """With Redis, the commit puts the webhook task on the queue: the next RQ worker delivers
    it without waiting for a tick."""
    import uuid

    from workspace.jobs import rq_backend

    monkeypatch.setitem(app.config, "JOBS_BACKEND", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"coopilote-test-{uuid.uuid4().hex}")
    project, people = roles_project
    receiver = Receiver([200])
    queue = rq_backend.queue()
    try:
        _hook(project, receiver.url)
        api = api_for(people["coordinator"])
        api.patch(f"/api/v1/projects/{project.id}", {"summary": "x"}, headers={"If-Match": "*"})
        assert queue.count == 1 and not receiver.received
        rq_backend.work(burst=True)
        assert len(receiver.received) == 1 and queue.count == 0
    finally:
        queue.delete(delete_jobs=True)
        receiver.close()


def test_nothing_queued_for_other_events_or_after_rollback(roles_project):
    from workspace import operations

    project, people = roles_project
    _hook(project, "https://example.org/hook", ["task:*"])
    operations.update_project(project, people["coordinator"], summary="x")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(WebhookDelivery.id))) == 0
    hook = db.session.scalar(db.select(Webhook))
    hook.events = ["*"]
    db.session.commit()
    operations.update_project(project, people["coordinator"], summary="y")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(WebhookDelivery.id))) == 0


def test_failed_after_max_attempts(roles_project, allow_private):
    from workspace import operations

    project, people = roles_project
    receiver = Receiver([500] * 10)
    try:
        _hook(project, receiver.url)
        operations.update_project(project, people["coordinator"], summary="x")
        db.session.commit()
        delivery = db.session.scalar(db.select(WebhookDelivery))
        for _ in range(webhooks.MAX_ATTEMPTS):
            delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
            webhooks.deliver_due()
            db.session.refresh(delivery)
        assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS
    finally:
        receiver.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost:8080/hook",
        "https://loopback.test/hook",
        "http://192.168.1.10/",
        "http://0.0.0.0/",
        "ftp://example.org/",
        "http://user:pw@example.org/",
    ],
)
def test_ssrf_refused(url):
    with pytest.raises(UnsafeUrl):
        check_url(url)


def test_ssrf_checked_again_at_delivery(roles_project):
    from workspace import operations

    project, people = roles_project
    _hook(project, "http://127.0.0.1:9/hook")  # saved while allowed, then forbidden
    operations.update_project(project, people["coordinator"], summary="x")
    db.session.commit()
    webhooks.deliver_due()
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert delivery.status == "failed" and "refusée" in delivery.last_error


def test_webhooks_page(roles_project, login_as):
    project, people = roles_project
    url = f"/projects/{project.id}/webhooks"
    assert login_as(None).get(url).status_code == 302
    for who, code in [("outsider", 404), ("admin", 404), ("funder", 403), ("director", 403)]:
        assert login_as(people[who]).get(url).status_code == code, who
        r = login_as(people[who]).post(url, data={"url": "https://example.org/h", "events": "*"})
        assert r.status_code == code
    c = login_as(people["coordinator"])
    assert c.get(url).status_code == 200
    r = c.post(url, data={"url": "http://127.0.0.1/h", "events": "*", "active": "y"})
    assert r.status_code == 400 and "réseau privé" in r.get_data(as_text=True)
    assert c.post(url, data={"url": "https://example.org/h"}).status_code == 400  # no event
    assert c.post(url, data={"url": "x" * 600, "events": "*"}).status_code == 400
    assert c.post(url, data={"url": "https://example.org/h", "events": "nope"}).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Webhook.id))) == 0
    r = c.post(url, data={"url": "https://example.org/h", "events": ["task:*"], "active": "y"})
    assert r.status_code == 302
    hook = db.session.scalar(db.select(Webhook))
    assert hook.events == ["task:*"] and len(hook.secret) > 20
    assert c.post(f"{url}/{hook.id}/ping").status_code == 302
    page = c.get(url).get_data(as_text=True)
    assert "ping" in page and "Journal des envois" in page
    assert c.post(f"{url}/{hook.id}/delete").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Webhook.id))) == 0


def test_an_archived_project_s_webhooks_are_read_only(roles_project, login_as):
    from workspace import operations

    project, people = roles_project
    hook = Webhook(
        project_id=project.id,
        url="https://example.org/hook",
        secret="s" * 32,
        events=["*"],
        created_by_id=people["coordinator"].id,
    )
    db.session.add(hook)
    operations.archive_project(project, people["coordinator"], True)
    db.session.commit()
    client = login_as(people["coordinator"])
    base = f"/projects/{project.id}/webhooks"
    page = client.get(base)
    assert page.status_code == 200 and "lecture seule" in page.text
    assert "Ajouter le webhook" not in page.text and "/ping" not in page.text
    assert client.get(f"{base}/{hook.id}").status_code == 200
    writes = [
        (base, {"url": "https://example.org/new", "events": ["*"], "active": "y"}),
        (f"{base}/{hook.id}", {"url": "https://example.org/changed", "events": ["*"]}),
        (f"{base}/{hook.id}/ping", {}),
        (f"{base}/{hook.id}/secret", {}),
        (f"{base}/{hook.id}/delete", {}),
    ]
    for url, data in writes:
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    hooks = db.session.scalars(db.select(Webhook)).all()
    assert [(h.url, h.secret) for h in hooks] == [("https://example.org/hook", "s" * 32)]
    events = db.session.scalars(db.select(WebhookDelivery.event)).all()
    assert "ping" not in events  # (the archiving itself was delivered)
