"""An app with only this plugin (found through its entry point), on a temporary SQLite file.

Run from the Coopilote checkout with the plugin installed, e.g.
``pip install -e examples/coopilote-minutes`` then ``pytest examples/coopilote-minutes/tests``.
"""

from __future__ import annotations

import pytest

from workspace import create_app
from workspace.events import notices_committed
from workspace.extensions import db


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'minutes.sqlite'}",
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "REDIS_URL": "",
            "SOCKETIO_ASYNC_MODE": "threading",
            "WORKSPACE_PLUGINS": [],  # only the installed external plugins
        }
    )
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(autouse=True)
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def login_as(app):
    def make(user=None):
        client = app.test_client()
        if user is not None:
            with client.session_transaction() as sess:
                sess["_user_id"] = user.get_id()
                sess["_fresh"] = True
        return client

    return make


@pytest.fixture
def emitted():
    seen: list[dict] = []

    def record(sender, notices):
        seen.extend(notices)

    notices_committed.connect(record)
    yield seen
    notices_committed.disconnect(record)


@pytest.fixture
def people():
    """A project with a member of every role, plus an outsider."""
    from tests.factories import create_project, create_user

    who = {r: create_user(f"Personne {r}") for r in ("director", "adviser", "evaluator", "funder")}
    who["outsider"] = create_user("Personne extérieure")
    project = create_project({who[r]: r for r in ("director", "adviser", "evaluator", "funder")})
    db.session.commit()
    return project, who
