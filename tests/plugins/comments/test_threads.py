"""Thread CRUD per role, replies, edit/delete, tombstones, idempotency, bad input."""

from __future__ import annotations

import pytest

from plugins.comments.models import Comment
from tests.factories import create_project, create_user
from workspace.extensions import db
from workspace.models import Activity

from .helpers import post, thread_url

POSTERS = ["coordinator", "director", "adviser", "evaluator"]


@pytest.mark.parametrize("who", POSTERS)
def test_members_who_may_post_create_a_comment(who, roles_project, login_as):
    project, people = roles_project
    r = post(login_as(people[who]), project, "Bonjour **à tous**")
    assert r.status_code == 201
    comment = db.session.get(Comment, r.json["id"])
    assert comment.author_id == people[who].id
    assert comment.html == "<p>Bonjour <strong>à tous</strong></p>\n"
    page = login_as(people["funder"]).get(thread_url(project))
    assert page.status_code == 200
    assert "Bonjour <strong>à tous</strong>" in page.text
    assert people[who].name in page.text and people[who].organisation.name in page.text
    assert db.session.scalar(db.select(Activity).filter_by(verb="comment:created")) is not None


def test_funder_reads_but_cannot_post_and_sees_no_form(roles_project, login_as):
    project, people = roles_project
    funder = login_as(people["funder"])
    r = post(funder, project, "Je voudrais commenter")
    assert r.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0
    page = funder.get(thread_url(project))
    assert page.status_code == 200
    assert "data-comment-form" not in page.text
    assert "comment-actions-tpl" not in page.text


def test_form_post_without_javascript_redirects_to_the_comment(roles_project, login_as):
    project, people = roles_project
    r = post(login_as(people["director"]), project, "Sans JS", json=False)
    assert r.status_code == 302
    comment = db.session.scalar(db.select(Comment))
    assert r.headers["Location"].endswith(f"#comment-{comment.id}")


def test_reply_is_one_level_deep(roles_project, login_as, posted):
    _project, _people = roles_project
    top = posted("director", "Question")
    reply = posted("adviser", "Réponse", parent=top["id"])
    deeper = posted("evaluator", "Réponse à la réponse", parent=reply["id"])
    assert reply["parent"] == top["id"]
    assert deeper["parent"] == top["id"]  # attached to the thread, not nested further


def test_reply_to_a_comment_of_another_thread_is_404(roles_project, login_as, posted):
    project, people = roles_project
    other = create_project({people["director"]: "director"})
    r = post(login_as(people["director"]), other, "Ailleurs")
    assert r.status_code == 201
    r = post(login_as(people["director"]), project, "Réponse", parent=r.json["id"])
    assert r.status_code == 404
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_edit_own_comment_shows_edited_marker(roles_project, login_as, posted):
    project, people = roles_project
    c = posted("director", "Premier jet")
    client = login_as(people["director"])
    form = client.get(f"/projects/{project.id}/comments/{c['id']}/edit")
    assert form.status_code == 200 and "Premier jet" in form.text
    r = client.post(f"/projects/{project.id}/comments/{c['id']}/edit", data={"body": "Version 2"})
    assert r.status_code == 200
    assert "Version 2" in r.text and "(modifié)" in r.text
    assert db.session.get(Comment, c["id"]).body == "Version 2"


def test_editing_or_deleting_someone_elses_comment_is_403(roles_project, login_as, posted):
    project, people = roles_project
    c = posted("director", "À moi")
    other = login_as(people["adviser"])
    r = other.post(f"/projects/{project.id}/comments/{c['id']}/edit", data={"body": "Pirate"})
    assert r.status_code == 403
    assert other.post(f"/projects/{project.id}/comments/{c['id']}/delete").status_code == 403
    assert other.get(f"/projects/{project.id}/comments/{c['id']}/edit").status_code == 403
    db.session.expire_all()
    comment = db.session.get(Comment, c["id"])
    assert comment.body == "À moi" and comment.deleted_at is None


def test_delete_leaves_a_tombstone_and_keeps_replies(roles_project, login_as, posted):
    project, people = roles_project
    top = posted("director", "Message à retirer")
    posted("adviser", "Une réponse", parent=top["id"])
    client = login_as(people["director"])
    r = client.post(f"/projects/{project.id}/comments/{top['id']}/delete")
    assert r.status_code == 200 and "Message supprimé" in r.text
    page = client.get(thread_url(project))
    assert "Message à retirer" not in page.text
    assert "Message supprimé" in page.text and "Une réponse" in page.text
    db.session.expire_all()
    assert db.session.get(Comment, top["id"]).body == ""
    # A deleted comment can be neither edited nor deleted again.
    url = f"/projects/{project.id}/comments/{top['id']}"
    assert client.post(url + "/edit", data={"body": "x"}).status_code == 404
    assert client.post(url + "/delete").status_code == 404


def test_same_idempotency_key_creates_one_comment(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    first = post(client, project, "Double clic", key="double-click-0001")
    second = post(client, project, "Double clic", key="double-click-0001")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json["id"] == second.json["id"]
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1
    # The key is unique per author: someone else may use the same one.
    other = post(login_as(people["adviser"]), project, "Autre", key="double-click-0001")
    assert other.status_code == 201


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Le message ne peut pas être vide."),
        ("   \n  ", "Le message ne peut pas être vide."),
        ("x" * 10_001, "Le message ne peut pas dépasser 10 000 caractères."),
    ],
)
def test_bad_body_is_400_with_the_french_message(body, message, roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    r = post(client, project, body)
    assert r.status_code == 400
    assert r.json["error"]["message"] == message
    page = post(client, project, body, json=False)
    assert page.status_code == 400 and message.replace("'", "&#39;") in page.text
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_exactly_10000_characters_is_accepted(roles_project, login_as):
    project, people = roles_project
    assert post(login_as(people["director"]), project, "é" * 10_000).status_code == 201


def test_bad_edit_is_400_and_keeps_the_comment(roles_project, login_as, posted):
    project, people = roles_project
    c = posted("director", "Stable")
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/comments/{c['id']}/edit", data={"body": " "}
    )
    assert r.status_code == 400 and "Le message ne peut pas être vide." in r.text
    db.session.expire_all()
    assert db.session.get(Comment, c["id"]).body == "Stable"


@pytest.mark.parametrize(
    "where",
    [
        {"object_type": "unknown", "object_id": 1},
        {"object_type": "project", "object_id": 999_999},
        {"object_type": "<script>", "object_id": 1},
    ],
)
def test_unknown_type_or_object_is_404(where, roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    assert post(client, project, "Perdu", **where).status_code == 404
    assert client.get(thread_url(project, **where)).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_object_of_another_project_is_404(roles_project, login_as):
    project, people = roles_project
    other = create_project({create_user(): "director"})
    client = login_as(people["director"])
    r = post(client, project, "Ailleurs", object_type="project", object_id=other.id)
    assert r.status_code == 404
    assert client.get(thread_url(project, "project", other.id)).status_code == 404


def test_comment_of_another_project_cannot_be_edited_through_this_one(roles_project, login_as):
    project, people = roles_project
    other = create_project({people["director"]: "director"})
    client = login_as(people["director"])
    c = post(client, other, "Autre projet").json
    r = client.post(f"/projects/{project.id}/comments/{c['id']}/edit", data={"body": "x"})
    assert r.status_code == 404


def test_archived_project_refuses_new_comments(login_as):
    user = create_user()
    project = create_project({user: "director"}, archived=True)
    assert post(login_as(user), project, "Trop tard").status_code == 403
