"""Live threads: notices after commit, catch-up after reconnection, the typing event."""

from __future__ import annotations

from plugins.comments import operations as ops
from plugins.comments.models import Comment
from tests.factories import create_project
from workspace.extensions import db

from .helpers import post


def _notices(sc, type_=None):
    got = [e["args"][0] for e in sc.get_received() if e["name"] == "notice"]
    return [n for n in got if type_ is None or n["type"] == type_]


def test_other_clients_receive_the_new_comment_with_its_html(roles_project, login_as, socket_for):
    project, people = roles_project
    watcher = socket_for(people["funder"], project)
    r = post(login_as(people["adviser"]), project, "En direct **vite**")
    [notice] = _notices(watcher, "comment:created")
    assert notice["id"] == r.json["id"]
    assert notice["keys"] == [f"comments:project:{project.id}"]
    assert notice["object_type"] == "project" and notice["object_id"] == project.id
    assert (
        "<strong>vite</strong>" in notice["html"] and "<strong>vite</strong>" in notice["html_en"]
    )
    assert f'id="comment-{r.json["id"]}"' in notice["html"]
    assert "comment-actions" not in notice["html"]  # the same HTML for every reader


def test_edit_and_delete_are_live(roles_project, login_as, socket_for):
    project, people = roles_project
    client = login_as(people["director"])
    cid = post(client, project, "Avant").json["id"]
    watcher = socket_for(people["adviser"], project)
    client.post(f"/projects/{project.id}/comments/{cid}/edit", data={"body": "Après"})
    client.post(f"/projects/{project.id}/comments/{cid}/delete")
    edited, deleted = _notices(watcher)[-2:]
    assert edited["type"] == "comment:edited" and "Après" in edited["html"]
    assert deleted["type"] == "comment:deleted" and "Message supprimé" in deleted["html"]


def test_nothing_is_emitted_after_a_rollback(roles_project, socket_for, emitted):
    project, people = roles_project
    watcher = socket_for(people["adviser"], project)
    ops.post_comment(project, people["director"], "project", project.id, "Annulé")
    db.session.rollback()
    assert _notices(watcher) == [] and emitted == []
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_reconnecting_client_catches_up_without_loss_or_duplicate(
    roles_project, login_as, socket_for
):
    project, people = roles_project
    author = login_as(people["director"])
    reader = login_as(people["adviser"])
    sc = socket_for(people["adviser"], project)
    first = post(author, project, "Un").json["id"]
    [seen] = _notices(sc, "comment:created")
    last_seen = seen["id"]
    assert last_seen == first
    sc.disconnect()  # the laptop lid closes
    missed = [post(author, project, f"Pendant la coupure {i}").json["id"] for i in range(3)]
    missed.append(post(author, project, "Réponse", parent=first).json["id"])
    sc2 = socket_for(people["adviser"], project)
    url = f"/projects/{project.id}/comments/since"
    r = reader.get(url, query_string={"after": last_seen, "type": "project", "id": project.id})
    assert r.status_code == 200
    ids = [item["id"] for item in r.json["items"]]
    assert ids == missed  # everything missed, in order, nothing seen before
    assert r.json["last"] == missed[-1]
    assert r.json["items"][-1]["parent"] == first
    # Asking again from the new last id returns nothing: no duplicate.
    again = reader.get(
        url, query_string={"after": r.json["last"], "type": "project", "id": project.id}
    )
    assert again.json["items"] == []
    # And the new socket receives what comes next, live.
    nxt = post(author, project, "Après le retour").json["id"]
    assert [n["id"] for n in _notices(sc2, "comment:created")] == [nxt]


def test_since_bad_parameters(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["adviser"])
    url = f"/projects/{project.id}/comments/since"
    headers = {"Accept": "application/json"}
    assert (
        client.get(
            url, query_string={"after": "x", "type": "project", "id": project.id}, headers=headers
        ).status_code
        == 400
    )
    assert (
        client.get(url, query_string={"after": 0, "type": "project"}, headers=headers).status_code
        == 400
    )
    assert (
        client.get(
            url, query_string={"after": 0, "type": "nope", "id": 1}, headers=headers
        ).status_code
        == 404
    )


def _typing(sc, project, over=None):
    data = {"project": project.id, "type": "project", "id": project.id} | (over or {})
    return sc.emit("typing", data, callback=True)


def test_typing_reaches_the_others_not_the_sender(roles_project, socket_for):
    project, people = roles_project
    writer = socket_for(people["adviser"], project)
    other = socket_for(people["director"], project)
    writer.get_received()
    assert _typing(writer, project) == {"ok": True}
    [event] = [e["args"][0] for e in other.get_received() if e["name"] == "typing"]
    assert event["name"] == people["adviser"].name and event["type"] == "project"
    assert not [e for e in writer.get_received() if e["name"] == "typing"]


def test_forged_typing_events_get_a_clear_error_and_the_socket_stays_usable(
    roles_project, socket_for
):
    project, people = roles_project
    foreign = create_project({people["outsider"]: "director"})
    writer = socket_for(people["adviser"], project)
    other = socket_for(people["director"], project)
    for forged in (
        {"project": foreign.id, "id": foreign.id},
        {"project": 999_999},
        {"project": "1; DROP TABLE"},
        {"project": True},
        {"type": "unknown"},
        {"id": 999_999},
        {"id": "1"},
    ):
        ack = _typing(writer, project, forged)
        assert ack["ok"] is False and ack["error"], forged
    assert writer.emit("typing", "nonsense", callback=True)["ok"] is False
    assert not [e for e in other.get_received() if e["name"] == "typing"]
    assert writer.is_connected()
    assert _typing(writer, project) == {"ok": True}


def test_funder_cannot_send_typing(roles_project, socket_for):
    project, people = roles_project
    funder = socket_for(people["funder"], project)
    assert _typing(funder, project)["ok"] is False
