"""Unread counts per object and per project, cleared on view; comment counts in one query."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from plugins.comments import operations as ops
from workspace.extensions import db
from workspace.plugins import call_hook

from .helpers import thread_url


@contextmanager
def count_queries():
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def test_unread_counts_and_clearing_on_view(roles_project, login_as, posted):
    project, people = roles_project
    posted("director", "Un")
    posted("director", "Deux")
    mine = posted("adviser", "Le mien")
    deleted = posted("evaluator", "Effacé")
    login_as(people["evaluator"]).post(f"/projects/{project.id}/comments/{deleted['id']}/delete")
    key = ("project", project.id)
    assert ops.unread(people["adviser"], project) == {key: 2}  # own and deleted ones excluded
    index = login_as(people["adviser"]).get(f"/projects/{project.id}/comments/")
    assert "2 messages non lus" in index.text and "2 non lus" in index.text
    assert login_as(people["adviser"]).get(thread_url(project)).status_code == 200
    assert ops.unread(people["adviser"], project) == {}
    assert (
        "Tout est lu" in login_as(people["adviser"]).get(f"/projects/{project.id}/comments/").text
    )
    assert mine["id"]  # the adviser's own comment never counted
    # The funder reads too and has their own counter.
    assert ops.unread(people["funder"], project) == {key: 3}


def test_read_marker_via_post_never_goes_backwards(roles_project, login_as, posted):
    project, people = roles_project
    a = posted("director", "Un")
    b = posted("director", "Deux")
    client = login_as(people["adviser"])
    url = f"/projects/{project.id}/comments/read"
    data = {"type": "project", "id": project.id}
    assert client.post(url, data=data | {"last": a["id"]}).status_code == 204
    assert ops.unread(people["adviser"], project) == {("project", project.id): 1}
    assert client.post(url, data=data | {"last": b["id"]}).status_code == 204
    assert client.post(url, data=data | {"last": a["id"]}).status_code == 204
    assert ops.unread(people["adviser"], project) == {}
    assert client.post(url, data={"type": "project", "id": "x"}).status_code == 400
    assert client.post(url, data={"type": "nope", "id": 1}).status_code == 404


def test_unread_in_one_query(roles_project, posted):
    project, people = roles_project
    for i in range(5):
        posted("director", f"Message {i}")
    _ = people["adviser"].id, project.id  # load the expired objects before counting
    with count_queries() as seen:
        ops.unread(people["adviser"], project)
    assert len(seen) == 1


def test_comment_counts_hook_in_one_query(roles_project, posted, login_as):
    project, people = roles_project
    for i in range(3):
        posted("director", f"Message {i}")
    gone = posted("director", "Retiré")
    login_as(people["director"]).post(f"/projects/{project.id}/comments/{gone['id']}/delete")
    assert project.id
    with count_queries() as seen:
        [counts] = call_hook("comment_counts", project=project, object_type="project")
    assert counts == {project.id: 3}
    assert len(seen) == 1


def test_object_panel_hook_renders_the_thread_for_readers(app, roles_project, posted):
    project, people = roles_project
    posted("adviser", "Dans le panneau")
    from flask_login import login_user

    with app.test_request_context():
        login_user(people["funder"])
        html = "".join(
            call_hook("object_panel", project=project, object_type="project", object_id=project.id)
        )
        assert "Dans le panneau" in html and "data-comment-form" not in html
        assert call_hook("object_panel", project=project, object_type="nope", object_id=1) == []
    with app.test_request_context():
        login_user(people["director"])
        html = "".join(
            call_hook("object_panel", project=project, object_type="project", object_id=project.id)
        )
        assert "data-comment-form" in html


def test_topbar_bell_shows_unread_notifications(roles_project, login_as, posted):
    project, people = roles_project
    posted("director", f"Bonjour @{people['adviser'].name}")
    page = login_as(people["adviser"]).get(f"/projects/{project.id}/comments/")
    assert 'id="notif-bell"' in page.text and 'data-unread="1"' in page.text
