"""Realtime: notices reach the project room after commit only; joins are checked."""

from __future__ import annotations

from workspace import operations
from workspace.extensions import db, socketio
from workspace.models import Membership


def _notices(sc) -> list[dict]:
    return [m["args"][0] for m in sc.get_received() if m["name"] == "notice"]


def _target(project, user):
    return db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=user.id)
    )


def test_member_change_reaches_a_second_client_after_commit(roles_project, login_as, socket_for):
    project, people = roles_project
    watcher = socket_for(people["funder"], project)
    target = _target(project, people["director"])
    r = login_as(people["coordinator"]).post(
        f"/projects/{project.id}/members/{target.id}/change", data={"role": "adviser"}
    )
    assert r.status_code == 302
    [notice] = _notices(watcher)
    assert notice["type"] == "member:changed" and notice["project"] == project.id
    assert notice["by"] == people["coordinator"].id and "members" in notice["keys"]
    assert notice["url"] == f"/projects/{project.id}/members/"


def test_project_update_reaches_the_room(roles_project, login_as, socket_for):
    project, people = roles_project
    watcher = socket_for(people["adviser"], project)
    r = login_as(people["coordinator"]).post(
        f"/projects/{project.id}/settings",
        data={"name": "Nouveau nom", "form": "gcsms", "stage": "accompagnement", "version": "1"},
    )
    assert r.status_code == 302
    assert [n["type"] for n in _notices(watcher)] == ["project:updated"]


def test_rollback_emits_nothing(roles_project, socket_for, emitted):
    project, people = roles_project
    watcher = socket_for(people["funder"], project)
    operations.change_member(
        project, people["coordinator"], _target(project, people["director"]), "adviser", False
    )
    operations.remove_member(project, people["coordinator"], _target(project, people["adviser"]))
    db.session.rollback()
    assert emitted == []
    assert _notices(watcher) == []
    # The same change, committed, is emitted.
    operations.change_member(
        project, people["coordinator"], _target(project, people["director"]), "adviser", False
    )
    db.session.commit()
    assert [n["type"] for n in emitted] == ["member:changed"]
    assert [n["type"] for n in _notices(watcher)] == ["member:changed"]


def test_refused_request_emits_nothing(roles_project, login_as, socket_for, emitted):
    project, people = roles_project
    watcher = socket_for(people["director"], project)
    me = _target(project, people["coordinator"])
    r = login_as(people["coordinator"]).post(f"/projects/{project.id}/members/{me.id}/remove")
    assert r.status_code == 400
    assert emitted == [] and _notices(watcher) == []


def test_non_member_cannot_join(app, roles_project, socket_for):
    project, people = roles_project
    for who in ("outsider", "admin"):
        sc = socket_for(people[who])
        assert sc.emit("join", {"project": project.id}, callback=True) == {
            "ok": False,
            "error": "forbidden",
        }
    sc = socket_for(people["funder"])
    for bad in ({"project": "abc"}, {"project": 10**30}, "x", None, {"project": True}):
        assert sc.emit("join", bad, callback=True)["ok"] is False


def test_non_member_receives_nothing(roles_project, login_as, socket_for):
    project, people = roles_project
    outsider = socket_for(people["outsider"])
    outsider.emit("join", {"project": project.id}, callback=True)
    outsider.get_received()
    target = _target(project, people["director"])
    login_as(people["coordinator"]).post(f"/projects/{project.id}/members/{target.id}/remove")
    assert _notices(outsider) == []


def test_anonymous_socket_is_refused(app):
    sc = socketio.test_client(app, flask_test_client=app.test_client())
    assert not sc.is_connected()


def test_invitation_accepted_notice(roles_project, socket_for, app):
    project, people = roles_project
    watcher = socket_for(people["coordinator"], project)
    _invitation, token = operations.invite(
        project, people["coordinator"], "new@example.org", "evaluator", False
    )
    db.session.commit()
    watcher.get_received()
    r = app.test_client().post(
        f"/invitations/{token}",
        data={
            "name": "Nouvelle Personne",
            "organisation": str(people["funder"].organisation_id),
            "new_organisation_kind": "other",
            "password": "une-phrase-de-passe-neuve",
            "confirm": "une-phrase-de-passe-neuve",
        },
    )
    assert r.status_code == 302
    [joined] = [n for n in _notices(watcher) if n["type"] == "member:joined"]
    assert joined["invited_by"] == people["coordinator"].id


def test_joins_are_announced_in_batches_not_one_broadcast_each(
    app, roles_project, socket_for, monkeypatch
):
    """A burst of joins (tabs reconnecting after a restart) makes a few presence broadcasts
    that count everyone, not one per join sent to everyone already there."""
    import time

    from tests.factories import create_user
    from workspace.models import Membership

    project, people = roles_project
    monkeypatch.setitem(app.config, "PRESENCE_BATCH_SECONDS", 0.2)
    extra = [create_user(f"Personne {i}") for i in range(8)]
    for user in extra:
        db.session.add(Membership(project_id=project.id, user_id=user.id, role="director"))
    db.session.commit()
    first = socket_for(people["director"], project)
    for user in extra:
        socket_for(user, project)
    deadline, broadcasts = time.monotonic() + 5, []
    expected = {people["director"].id, *(u.id for u in extra)}
    while time.monotonic() < deadline:
        broadcasts += [m["args"][0] for m in first.get_received() if m["name"] == "presence"]
        if broadcasts and broadcasts[-1]["count"] == len(expected):
            break
        time.sleep(0.05)
    # Nine people: the first eight by name are named, all nine counted.
    assert broadcasts and broadcasts[-1]["count"] == len(expected) == 9
    named = {u["id"] for u in broadcasts[-1]["users"]}
    assert named < expected and len(named) == 8
    assert len(broadcasts) <= 3, len(broadcasts)  # 8 joins, announced together


def test_presence_names_the_first_people_and_counts_the_others(roles_project):
    """500 people in a project: the broadcast to each of their tabs names a few of them and
    counts the rest (all of them made 32 MB per broadcast, bench/fanout.py)."""
    from tests.factories import create_user
    from workspace.realtime.hub import PRESENCE_SHOWN, presence_payload

    project, people = roles_project
    crowd = [create_user(f"Personne {chr(ord('a') + i)}") for i in range(PRESENCE_SHOWN + 4)]
    db.session.commit()
    ids = {u.id for u in crowd} | {people["director"].id}
    payload = presence_payload(project.id, ids)
    assert payload["count"] == len(ids) == PRESENCE_SHOWN + 5
    names = sorted([u.name for u in crowd] + [people["director"].name])
    assert [u["name"] for u in payload["users"]] == names[:PRESENCE_SHOWN]
    first = payload["users"][0]
    assert set(first) == {"id", "name", "initials", "organisation", "color"}
    few = presence_payload(project.id, {people["director"].id})
    assert few["count"] == 1 and [u["id"] for u in few["users"]] == [people["director"].id]
    assert presence_payload(project.id, set()) == {"project": project.id, "count": 0, "users": []}
