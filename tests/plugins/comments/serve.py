"""Run a real Coopilote process for the multi-process tests.

    python -m tests.plugins.comments.serve seed INSTANCE DB_URL   → prints JSON (ids, cookies)
    python -m tests.plugins.comments.serve serve PORT INSTANCE DB_URL

Both read WORKSPACE_REDIS_URL and WORKSPACE_SECRET_KEY from the environment, so that two
``serve`` processes share rooms through Redis and accept the same session cookies.
"""

from __future__ import annotations

import json
import sys


def _app(instance: str, db_url: str):
    from workspace import create_app

    return create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": db_url})


def cookie_for(app, user) -> str:
    """A signed Flask session cookie value for ``user`` (no password round-trip)."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": user.get_id(), "_fresh": True})


def seed(instance: str, db_url: str, n_readers: int = 1) -> dict:
    from tests.factories import create_project, create_user
    from workspace.extensions import db

    app = _app(instance, db_url)
    with app.app_context(), app.test_request_context():
        db.create_all()
        writer = create_user("Claire Martin")
        readers = [create_user(f"Lecteur {i}") for i in range(n_readers)]
        project = create_project(
            {writer: "director", **dict.fromkeys(readers, "adviser")}, coordinators=[writer]
        )
        return {
            "project": project.id,
            "writer": {"id": writer.id, "cookie": cookie_for(app, writer)},
            "readers": [
                {"id": u.id, "name": u.name, "cookie": cookie_for(app, u)} for u in readers
            ],
        }


def serve(port: int, instance: str, db_url: str) -> None:
    from workspace.extensions import socketio

    app = _app(instance, db_url)
    socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, log_output=False)


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        n = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        print(json.dumps(seed(sys.argv[2], sys.argv[3], n)))
    else:
        serve(int(sys.argv[2]), sys.argv[3], sys.argv[4])
