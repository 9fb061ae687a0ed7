"""Two production server processes (gunicorn -k gevent) share one database and one Redis.

A task created through process A reaches a Socket.IO client connected to process B (rooms
shared through the Redis message queue); the same signed session cookie is accepted by both
(sessions are signed cookies: nothing to share but the secret key); the sign-in rate limits
count in Redis when it is configured, so every process sees the same counters.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.plugins.comments.test_redis import _free_port, _redis_up, _wait_http

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/8"  # this test's own Redis database
SECRET = "two-gunicorn-processes"
GUNICORN = [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1"]


def _gunicorn(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", "workspace.wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def gunicorn_pair(tmp_path, app):
    if not _redis_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379")
    db_url = (
        f"sqlite:///{tmp_path / 'shared.sqlite'}"
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
        else app.config["SQLALCHEMY_DATABASE_URI"]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSPACE_")}
    env |= {
        "WORKSPACE_REDIS_URL": REDIS_URL,
        "WORKSPACE_SECRET_KEY": SECRET,
        "WORKSPACE_DATABASE_URL": db_url,
    }
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.plugins.comments.serve", "seed", str(tmp_path / "s"), db_url],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    data = json.loads(seeded.stdout.strip().splitlines()[-1])
    ports = [_free_port(), _free_port()]
    procs = [
        _gunicorn(port, env | {"WORKSPACE_INSTANCE_PATH": str(tmp_path / f"p{i}")})
        for i, port in enumerate(ports)
    ]
    try:
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for url in urls:
            _wait_http(url + "/login", timeout=60)
        yield data, urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=20)


def test_task_created_on_a_reaches_a_client_on_b(gunicorn_pair):
    import socketio

    from bench.load import signed_in

    data, (url_a, url_b) = gunicorn_pair
    project = data["project"]
    received: list[dict] = []
    arrived = threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on("notice")
    def _notice(payload):
        received.append(payload)
        arrived.set()

    cookie = data["readers"][0]["cookie"]
    client.connect(url_b, headers={"Cookie": f"session={cookie}"}, transports=["websocket"])
    try:
        assert client.call("join", {"project": project}, timeout=10) == {"ok": True}
        # The writer's cookie was signed by neither process: both accept it.
        board = f"/projects/{project}/board/"
        assert requests.get(url_b + board, cookies={"session": data["writer"]["cookie"]}).ok
        http, token = signed_in(url_a, data["writer"]["cookie"], board)
        column = re.search(r'data-col="(\d+)"', http.get(url_a + board).text).group(1)
        title = f"Créée sur A {uuid.uuid4().hex[:8]}"
        r = http.post(
            f"{url_a}/projects/{project}/board/tasks",
            data={"quick": "1", "title": title, "column_id": column, "csrf_token": token},
            headers={"HX-Request": "true"},  # the board's quick-add is an htmx form
        )
        assert r.status_code == 204, r.text
        deadline = time.monotonic() + 10
        mine = []
        while time.monotonic() < deadline and not mine:
            arrived.wait(0.2)
            # Other runs may share this Redis: keep only this project's task:created.
            mine = [p for p in received if p["type"] == "task:created" and p["project"] == project]
        assert len(mine) == 1
        assert title in json.dumps(mine[0]["summary"], ensure_ascii=False)
    finally:
        client.disconnect()


def test_rate_limits_count_in_redis_when_configured(tmp_path):
    from workspace import create_app

    shared = create_app({"INSTANCE_PATH": str(tmp_path), "REDIS_URL": REDIS_URL})
    alone = create_app({"INSTANCE_PATH": str(tmp_path / "b"), "REDIS_URL": ""})
    storage = type(shared.extensions["coopilote.limiter"].storage).__name__
    assert storage == "RedisStorage"
    storage = type(alone.extensions["coopilote.limiter"].storage).__name__
    assert storage == "MemoryStorage"
