"""Database failures (connection lost, deadlock) roll back and answer 503 « Réessayez »."""

from __future__ import annotations

import contextlib

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tests.factories import create_user
from tests.hardening.htmlforms import form_posting_to
from workspace.extensions import db
from workspace.models import User


@contextlib.contextmanager
def failing(prefix: str = ""):
    """Every statement starting with ``prefix`` fails as if the server had gone away."""

    def boom(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(prefix):
            raise OperationalError(statement, params, Exception("server closed the connection"))

    event.listen(db.engine, "before_cursor_execute", boom)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", boom)


def test_failed_write_is_rolled_back_with_a_retry_page(login_as, caplog):
    user = create_user("Claire Martin")
    client = login_as(user)
    page = client.get("/profile")
    form = form_posting_to(page.text, "/profile")
    data = {**form.fields, "profile-name": "Nom jamais enregistré"}
    with failing("UPDATE"):
        r = client.post("/profile", data=data)
    assert r.status_code == 503
    assert "Réessayez" in r.text and "enregistré" in r.text
    # The operator sees why (a deadlock, a lost connection) in the log.
    assert "database error, answered 503" in caplog.text
    assert "server closed the connection" in caplog.text
    assert "<main" in r.text  # the error page in the layout
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Claire Martin"
    # The next request works: the failed transaction did not poison the session.
    assert client.post("/profile", data={**data, "profile-name": "Claire M."}).status_code in (
        200,
        302,
    )
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Claire M."


def test_database_down_on_read_is_503_for_pages_htmx_and_json(login_as):
    user = create_user()
    client = login_as(user)
    with failing():
        page = client.get("/")
        fragment = client.get("/", headers={"HX-Request": "true"})
        api = client.get("/api/v1/me", headers={"Accept": "application/json"})
    assert page.status_code == 503 and "Réessayez" in page.text
    assert fragment.status_code == 503 and fragment.headers["HX-Retarget"] == "#toasts"
    assert api.status_code in (401, 503)  # the token check may run first, never a 500
    assert client.get("/").status_code == 200


def test_login_with_database_down_is_503_not_500(client):
    with failing():
        r = client.post("/login", data={"email": "a@example.org", "password": "x" * 12})
    assert r.status_code == 503
