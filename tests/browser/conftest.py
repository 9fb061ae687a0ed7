"""A live server (the session app, with Socket.IO) and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One xdist worker for all browser tests: one server, one Chromium.
            item.add_marker(pytest.mark.xdist_group("browser"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _InFlight:
    """The app behind a count of the work the server is doing: HTTP requests (Socket.IO's
    long-lived connections aside) and Socket.IO event handlers. A test ends only once the
    server is done, otherwise a page or a live edit still being handled deadlocks with the
    emptying of the database (TRUNCATE on PostgreSQL)."""

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/socket.io"):
            return self.app(environ, start_response)
        with self.track():
            return self.app(environ, start_response)

    @contextmanager
    def track(self):
        with self.lock:
            self.count += 1
        try:
            yield
        finally:
            with self.lock:
                self.count -= 1

    def count_socket_events(self, server) -> None:
        """Wrap the one door every Socket.IO handler goes through (connect, events,
        disconnect) on the session's server object (the one other tests put back after
        binding theirs), so a handler still running holds the test's end back too."""
        trigger = server._trigger_event

        def counted(*args, **kwargs):
            with self.track():
                return trigger(*args, **kwargs)

        server._trigger_event = counted

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until the closed browsers' sockets are disconnected (their disconnect
        handlers run before a socket is marked closed) and nothing is being handled."""
        from workspace.extensions import socketio

        deadline = time.monotonic() + timeout

        def busy() -> bool:
            sockets = list(socketio.server.eio.sockets.values()) if socketio.server else []
            return bool(self.count) or any(not s.closed for s in sockets)

        quiet = 0  # idle twice in a row: an event's handler thread may be just starting
        while quiet < 2 and time.monotonic() < deadline:
            quiet = 0 if busy() else quiet + 1
            time.sleep(0.05)


@pytest.fixture(scope="session")
def _in_flight(app):
    from workspace.extensions import socketio

    in_flight = _InFlight(app)
    in_flight.count_socket_events(socketio.server)
    return in_flight


@pytest.fixture(scope="session")
def live_server(_in_flight):
    port = _free_port()
    server = make_server("127.0.0.1", port, _in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture
def job_worker(app):
    """A local job worker beside the live server (the tests' app starts none itself)."""
    from workspace.jobs.local import work

    stop = threading.Event()

    def loop():
        with app.app_context():
            work(poll=0.1, stop=stop)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(10)


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make chromium` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _skip_tours(user) -> None:
    """Record every first-visit tour as seen, so its modal does not cover the page under test."""
    from workspace.extensions import db
    from workspace.help.tour import TOURS, mark_seen

    for tour in TOURS:
        mark_seen(user, tour)
    db.session.commit()


@pytest.fixture
def page_for(chromium, live_server, _in_flight):
    """``page_for(user)`` → a Playwright page in its own browser context, signed in.

    The first-visit tour is marked seen unless ``tours=True`` (the tour's own tests);
    ``remember=True`` ticks « Se souvenir de moi »."""
    contexts = []

    def make(user, viewport=None, tours=False, remember=False):
        if not tours:
            _skip_tours(user)
        context = chromium.new_context(
            viewport=viewport or {"width": 1366, "height": 768}, locale="fr-FR"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server + "/login")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", PASSWORD)
        if remember:
            page.check("input[name=remember]")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield make
    for c in contexts:
        c.close()
    _in_flight.wait_idle()  # before the database is emptied


def wait_until(page, expression: str, arg=None, timeout: float = 10.0) -> None:
    """Poll a JavaScript function until it returns true.

    Playwright's ``wait_for_function`` polls inside the page with ``eval``, which our CSP
    (no 'unsafe-eval') refuses; ``page.evaluate`` goes through the DevTools protocol instead.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
