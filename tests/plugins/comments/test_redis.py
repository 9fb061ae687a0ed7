"""Two real server processes share rooms through Redis: a comment posted on process A
reaches a client connected to process B (and so does the mentioned reader's notification)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/12"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"server {url} did not start")


@pytest.fixture
def two_processes(tmp_path):
    if not _redis_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379")
    env = os.environ | {
        "WORKSPACE_REDIS_URL": REDIS_URL,
        "WORKSPACE_SECRET_KEY": "two-process-secret",
        "WORKSPACE_ASYNC_MODE": "threading",
    }
    db_url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
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
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen(
            [*run, "serve", str(port), str(tmp_path / f"proc{i}"), db_url],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i, port in enumerate(ports)
    ]
    try:
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for url in urls:
            _wait_http(url + "/login")
        yield data, urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)


def test_comment_posted_on_a_reaches_a_client_on_b(two_processes):
    import socketio

    data, (url_a, url_b) = two_processes
    project = data["project"]
    reader = data["readers"][0]
    received: list[tuple[str, dict]] = []
    arrived = threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on("notice")
    def _notice(payload):
        received.append(("notice", payload))
        arrived.set()

    @client.on("personal")
    def _personal(payload):
        received.append(("personal", payload))

    for attempt in range(5):  # a loaded machine may refuse the first websocket handshake
        try:
            client.connect(
                url_b, headers={"Cookie": f"session={reader['cookie']}"}, transports=["websocket"]
            )
            break
        except socketio.exceptions.ConnectionError:
            if attempt == 4:
                raise
            time.sleep(1 + attempt)
    try:
        assert client.call("join", {"project": project}, timeout=10) == {"ok": True}
        thread = f"{url_a}/projects/{project}/comments/thread/project/{project}"
        page = requests.get(thread, cookies={"session": data["writer"]["cookie"]})
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        # The page stored the CSRF token in the session: carry the updated cookie.
        http = requests.Session()
        http.headers["Cookie"] = "session=" + (
            page.cookies.get("session") or data["writer"]["cookie"]
        )
        r = http.post(
            thread,
            data={
                "body": f"Depuis A pour @{reader['name']}",
                "csrf_token": token,
                "key": "redis-0001",
            },
            headers={"Accept": "application/json"},
        )
        assert r.status_code == 201, r.text
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
            k == "personal" and p.get("type") == "notification" for k, p in received
        ):
            arrived.wait(0.2)
        # Redis pub/sub channels are shared by every process on this Redis (other test runs
        # too): keep only what concerns this comment, which must arrive exactly once.
        cid = r.json()["id"]
        notices = [
            p
            for k, p in received
            if k == "notice"
            and p.get("id") == cid
            and p["type"] == "comment:created"
            and "Depuis A" in p.get("html", "")
        ]
        assert len(notices) == 1
        personal = [p for k, p in received if k == "personal" and p["type"] == "notification"]
        assert len(personal) == 1 and "Depuis A" not in personal[0]["text"]
        assert personal[0]["url"].endswith(f"#comment-{cid}")
    finally:
        client.disconnect()
