"""Test app, database and clients.

The suite runs on SQLite by default and on PostgreSQL when ``WORKSPACE_TEST_DATABASE_URL``
is set (``make test`` does both). Under pytest-xdist each worker gets its own database.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import exists, literal, select, text, union_all

from plugins.plan.operations import forget_plan_state
from workspace import create_app
from workspace.cache import fragments
from workspace.events import notices_committed
from workspace.extensions import db, socketio

ROLES = ["coordinator", "director", "adviser", "evaluator", "funder"]
WHO = ["anonymous", "outsider", "admin", *ROLES]


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="run long fuzz and load tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: use --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _database_url(worker: str, tmp: Path) -> str:
    base = os.environ.get("WORKSPACE_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp / f'test-{worker}.sqlite'}"
    if worker == "master":
        return base
    import psycopg

    name = f"{base.rsplit('/', 1)[1]}_{worker}"
    admin_url = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def instance_dir():
    path = Path(tempfile.mkdtemp(prefix="coopilote-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def app(instance_dir):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "master")
    url = _database_url(worker, instance_dir)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance_dir),
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test-secret-key",
            "REDIS_URL": "",
            "JOBS_BACKEND": "local",
            "JOBS_SPAWN_WORKER": False,  # tests run the queue themselves (tests/jobs.py)
            "JOBS_BACKOFF": 0,
            "PRESENCE_BATCH_SECONDS": 0,  # each join announced at once (tests follow each one)
            "SOCKETIO_ASYNC_MODE": "threading",
            "BASE_URL": "http://localhost",
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    # Socket.IO is a module-level singleton: a test that builds another app (e.g. with a Redis
    # message queue) rebinds it. Keep the session app's binding to restore after such a test.
    app.extensions["coopilote.socketio_state"] = dict(vars(socketio))
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _clean(app):
    """Empty every table and restart the ids (children before parents)."""
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                _empty_postgres(conn, tables)
            else:
                for t in tables:
                    conn.execute(t.delete())


def _empty_postgres(conn, tables) -> None:
    """Delete the rows of the tables a test wrote, then restart every sequence. A TRUNCATE of
    all 66 tables took ~0.9 s per test (new files for each table and index, synced); this,
    one query to find the tables with rows, a DELETE each and one to reset the ids, ~40 ms."""
    probe = union_all(
        *(select(literal(i)).where(exists().select_from(t)) for i, t in enumerate(tables))
    )
    written = {row[0] for row in conn.execute(probe)}
    for i, table in enumerate(tables):
        if i in written:
            conn.execute(table.delete())
    conn.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))


def _unmock_socketio(server) -> None:
    """Flask-SocketIO's test client replaces the server's packet senders with mocks that only
    its own clients hear, and never puts them back: a browser test run after a socket test
    would then receive nothing. Give the real server its own methods again."""
    from flask_socketio.test_client import SocketIOTestClient

    for name in ("_send_packet", "_send_eio_packet"):
        vars(server).pop(name, None)
    SocketIOTestClient.clients.clear()


@pytest.fixture(autouse=True)
def _ctx(request, app):
    """Every test runs inside an app context on an empty database and an empty outbox."""
    if "no_app" in request.fixturenames:
        yield
        return
    ctx = app.app_context()
    ctx.push()
    try:
        yield
    finally:
        db.session.remove()
        ctx.pop()
        _clean(app)
        fragments.cache.clear()  # ids restart with the emptied tables
        app.extensions["coopilote.api_limiter"].reset()  # counted per token id: ids restart too
        forget_plan_state()  # the co-edited documents a process keeps, by section id
        saved = app.extensions["coopilote.socketio_state"]
        if socketio.server is not saved["server"]:
            vars(socketio).update(saved)
        _unmock_socketio(saved["server"])
        shutil.rmtree(Path(app.instance_path) / "outbox", ignore_errors=True)


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, user):
    """Sign ``user`` in on ``client`` without going through the (slow) password hash."""
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client


@pytest.fixture
def login_as(app):
    """``login_as(user)`` → a fresh test client signed in as that user (None: anonymous)."""

    def make(user=None):
        c = app.test_client()
        return login(c, user) if user is not None else c

    return make


@pytest.fixture
def socket_for(app):
    """``socket_for(user, project=None)`` → a Socket.IO test client, joined to the project."""
    clients = []

    def make(user, project=None):
        flask_client = login(app.test_client(), user)
        sc = socketio.test_client(app, flask_test_client=flask_client)
        if project is not None:
            ack = sc.emit("join", {"project": project.id}, callback=True)
            assert ack == {"ok": True}, ack
            sc.get_received()  # drop the presence broadcast
        clients.append(sc)
        return sc

    yield make
    for sc in clients:
        if sc.is_connected():
            sc.disconnect()


@pytest.fixture
def emitted():
    """Every realtime notice emitted after a commit during the test, in order."""
    seen: list[dict] = []

    def record(sender, notices):
        seen.extend(notices)

    notices_committed.connect(record)
    yield seen
    notices_committed.disconnect(record)


@pytest.fixture
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def roles_project():
    from tests.factories import project_with_roles

    return project_with_roles()


def client_for(who: str, people: dict, login_as):
    """The client of one row of a permission matrix (``who`` in :data:`WHO`)."""
    return login_as(None if who == "anonymous" else people[who])
