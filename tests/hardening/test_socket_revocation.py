"""Revocation: a socket hears a project only while ``can(user, project, "project.view")``.

A member whose membership is removed, or whose sessions are ended (sign out everywhere,
password change, deactivation: ``session_epoch`` bumped), stops hearing the project right
after the commit (before that commit's own notices) and is refused on the next join; the
assertions are on the receiving clients.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.hardening.sockets import PROJECT_EVENTS, REFUSALS, Stage, drain, emit, presence_ids
from workspace import operations
from workspace.extensions import db
from workspace.models import Membership
from workspace.realtime.hub import notify_user

NEW_PASSWORD = "une-toute-nouvelle-phrase-de-passe"
INVALID_EVENT = {"ok": False, "error": "Événement invalide."}  # typing from a dead session


def _membership(project, user) -> Membership:
    return db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=user.id)
    )


def _hears(stage, sc) -> set[str]:
    drain(sc)
    stage.stir()
    return {m["name"] for m in drain(sc)}


@pytest.mark.parametrize("role", ["funder", "evaluator", "adviser", "director"])
def test_removed_member_stops_hearing_and_is_refused_on_rejoin(
    role, app, roles_project, socket_for, login_as
):
    stage = Stage(app, roles_project, socket_for)
    user = stage.people[role]
    sc = socket_for(user, stage.project)
    drain(stage.watcher)
    target = _membership(stage.project, user)
    url = f"/projects/{stage.project.id}/members/{target.id}/remove"
    assert login_as(stage.people["coordinator"]).post(url).status_code == 302
    assert drain(sc) == []  # not even the notice of its own removal
    heard = drain(stage.watcher)
    assert [m["args"][0]["type"] for m in heard if m["name"] == "notice"] == ["member:removed"]
    assert [user.id not in ids for ids in presence_ids(heard)] == [True]
    assert _hears(stage, sc) == set()
    assert emit(sc, "join", {"project": stage.project.id}) == REFUSALS["forbidden"]
    assert emit(sc, "typing", stage.typing()) == REFUSALS["refused"]
    assert _hears(stage, sc) == set()
    # Still signed in: the personal room stays.
    notify_user(user.id, {"kind": "test"})
    assert [m["name"] for m in drain(sc)] == ["personal"]


def _sign_out_everywhere(stage, user, login_as):
    client = login_as(user)
    assert client.post("/profile/sessions").status_code == 302
    return client


def _change_password(stage, user, login_as):
    client = login_as(user)
    data = {"pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD}
    assert client.post("/profile/password", data=data).status_code == 302
    return client


def _deactivate(stage, user, login_as):
    admin = login_as(stage.people["admin"])
    assert admin.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    return None


@pytest.mark.parametrize("end", [_sign_out_everywhere, _change_password, _deactivate])
def test_ended_sessions_stop_hearing_and_are_refused(end, app, roles_project, socket_for, login_as):
    stage = Stage(app, roles_project, socket_for)
    user = stage.people["adviser"]
    in_room, personal_only = socket_for(user, stage.project), socket_for(user)
    drain(stage.watcher), drain(personal_only)
    still_signed_in = end(stage, user, login_as)
    assert drain(in_room) == [] and drain(personal_only) == []
    assert [user.id not in ids for ids in presence_ids(drain(stage.watcher))] == [True]
    notify_user(user.id, {"kind": "after"})
    for sc in (in_room, personal_only):
        assert _hears(stage, sc) == set()
        assert emit(sc, "join", {"project": stage.project.id}) == REFUSALS["forbidden"]
        assert emit(sc, "typing", stage.typing()) == INVALID_EVENT
        assert _hears(stage, sc) == set()
    if still_signed_in is not None:
        # The browser that ended the other sessions opens a new socket with its new cookie.
        from flask_socketio import SocketIOTestClient

        fresh = SocketIOTestClient(app, in_room.socketio, flask_test_client=still_signed_in)
        assert emit(fresh, "join", {"project": stage.project.id}) == {"ok": True}
        assert _hears(stage, fresh) == PROJECT_EVENTS
        fresh.disconnect()


def test_role_change_keeps_the_socket_in_the_room(app, roles_project, socket_for, login_as):
    """Eviction follows can(): a member who may still view the project stays."""
    stage = Stage(app, roles_project, socket_for)
    user = stage.people["funder"]
    sc = socket_for(user, stage.project)
    target = _membership(stage.project, user)
    url = f"/projects/{stage.project.id}/members/{target.id}/change"
    r = login_as(stage.people["coordinator"]).post(url, data={"role": "adviser"})
    assert r.status_code == 302
    assert [m["args"][0]["type"] for m in drain(sc) if m["name"] == "notice"] == ["member:changed"]
    assert _hears(stage, sc) == PROJECT_EVENTS


def test_rolled_back_removal_evicts_nobody(app, roles_project, socket_for):
    stage = Stage(app, roles_project, socket_for)
    user = stage.people["evaluator"]
    sc = socket_for(user, stage.project)
    coordinator = stage.people["coordinator"]
    operations.remove_member(stage.project, coordinator, _membership(stage.project, user))
    db.session.rollback()
    assert _hears(stage, sc) == PROJECT_EVENTS
    user.session_epoch += 1
    db.session.flush()
    db.session.rollback()
    assert _hears(stage, sc) == PROJECT_EVENTS
