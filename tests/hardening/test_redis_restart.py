"""The realtime hub survives a Redis restart: a server process using Redis (on a private
redis-server this test starts, never the shared one) keeps delivering notices after Redis is
stopped and started again."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.plugins.comments.test_redis import _free_port, _wait_http

ROOT = Path(__file__).resolve().parents[2]


def _start_redis(port: int, workdir: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            redis.Redis(port=port).ping()
            return proc
        except redis.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("redis-server did not start")


@pytest.fixture
def server(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed")
    rport = _free_port()
    redis_proc = _start_redis(rport, tmp_path)
    env = os.environ | {
        "WORKSPACE_REDIS_URL": f"redis://127.0.0.1:{rport}/0",
        "WORKSPACE_SECRET_KEY": "redis-restart-secret",
        "WORKSPACE_ASYNC_MODE": "threading",
    }
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    run = [sys.executable, "-m", "tests.plugins.comments.serve"]
    seeded = subprocess.run(
        [*run, "seed", str(tmp_path / "seed"), db_url],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    data = json.loads(seeded.stdout.strip().splitlines()[-1])
    port = _free_port()
    app_proc = subprocess.Popen(
        [*run, "serve", str(port), str(tmp_path / "proc"), db_url],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    state = {"redis": redis_proc}
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_http(url + "/login")
        yield data, url, rport, tmp_path, state
    finally:
        app_proc.terminate()
        app_proc.wait(timeout=10)
        state["redis"].terminate()
        state["redis"].wait(timeout=10)


def _post_comment(url, data, body, key):
    thread = f"{url}/projects/{data['project']}/comments/thread/project/{data['project']}"
    page = requests.get(thread, cookies={"session": data["writer"]["cookie"]}, timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    http = requests.Session()
    http.headers["Cookie"] = "session=" + (page.cookies.get("session") or data["writer"]["cookie"])
    return http.post(
        thread,
        data={"body": body, "csrf_token": token, "key": key},
        headers={"Accept": "application/json"},
        timeout=10,
    )


def _wait_for(received, text, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in p.get("html", "") for p in list(received)):
            return True
        time.sleep(0.2)
    return False


def test_notices_flow_again_after_redis_restarts(server):
    import socketio

    data, url, rport, tmp_path, state = server
    received: list[dict] = []
    client = socketio.Client(reconnection=True)
    client.on("notice", lambda payload: received.append(payload))
    client.connect(
        url,
        headers={"Cookie": f"session={data['readers'][0]['cookie']}"},
        transports=["websocket"],
    )
    try:
        assert client.call("join", {"project": data["project"]}, timeout=10) == {"ok": True}
        assert _post_comment(url, data, "Avant le redémarrage", "restart-0001").status_code == 201
        assert _wait_for(received, "Avant le redémarrage", 10)

        state["redis"].terminate()
        state["redis"].wait(timeout=10)
        time.sleep(1)
        state["redis"] = _start_redis(rport, tmp_path)

        # The hub re-subscribes on its own: posts made after the restart reach the client.
        delivered, n = False, 0
        deadline = time.monotonic() + 45
        while not delivered and time.monotonic() < deadline:
            n += 1
            r = _post_comment(url, data, f"Après le redémarrage {n}", f"restart-1{n:03d}")
            assert r.status_code < 500 or n < 3, r.text
            delivered = r.status_code == 201 and _wait_for(received, "Après le redémarrage", 3)
        assert delivered, [p.get("html", "")[:60] for p in received]
    finally:
        client.disconnect()
    assert threading.active_count() >= 1
