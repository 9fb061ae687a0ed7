"""THE socket authorisation matrix: every registered Socket.IO event × every kind of visitor.

The test walks the server's handler registry (``socketio.server.handlers``), so a new event
cannot be forgotten: an event without a row in :data:`EXPECTED` and a scenario fails. Each
visitor (anonymous, outsider, site admin, each role, coordinator) opens a socket and plays every
event against the project; the outcome (the acknowledgement) must be the expected one, and the
side effects are asserted on the receiving clients: a refused join hears nothing of the project
when something changes there (notice, typing, presence), a granted one hears everything.
Revocation (membership removed, sessions ended) is in test_socket_revocation.py.
"""

from __future__ import annotations

import pytest

from plugins.plan.models import PlanUpdate
from tests.hardening.sockets import (
    PROJECT_EVENTS,
    REFUSALS,
    Stage,
    drain,
    emit,
    new_name,
    outcome,
    plan_outcome,
    presence_ids,
)
from tests.plugins.plan.conftest import Editor
from workspace import operations
from workspace.extensions import db, socketio
from workspace.models import count
from workspace.realtime.hub import notify_user

MEMBERS = ["funder", "evaluator", "adviser", "director", "coordinator"]
VISITORS = ["anonymous", "outsider", "admin", *MEMBERS]


def _row(anonymous: str, outsider: str, members: str, **by_role) -> dict:
    row = {"anonymous": anonymous, "outsider": outsider, "admin": outsider}
    return row | dict.fromkeys(MEMBERS, members) | by_role


# event → visitor → outcome. "ignored": the server drops events of a refused connection.
EXPECTED = {
    "connect": _row("refused", "ok", "ok"),
    "join": _row("ignored", "forbidden", "ok"),
    "typing": _row("ignored", "refused", "ok", funder="refused"),
    "leave": _row("ignored", "ok", "ok"),
    # The co-edited plan (plugins/plan/realtime.py): a section's room, its text, the carets.
    "plan:join": _row("ignored", "refused", "ok"),
    "plan:update": _row("ignored", "refused", "refused", director="ok", coordinator="ok"),
    "plan:awareness": _row("ignored", "refused", "ok"),
    "plan:leave": _row("ignored", "ok", "ok"),
    "disconnect": _row("ignored", "ok", "ok"),
}


def registered_events() -> set[str]:
    """Every (namespace, event) with a handler: the whole socket surface of the app."""
    assert not socketio.server.namespace_handlers, "class-based namespaces: extend this test"
    return {(ns, event) for ns, handlers in socketio.server.handlers.items() for event in handlers}


# -- One scenario per event: returns the outcome, asserts the side effects --------------------


def play_connect(stage, who, sc):
    if who != "anonymous":
        notify_user(stage.people[who].id, {"kind": "test"})
        notify_user(stage.people["watcher"].id, {"kind": "not yours"})
        personal = [m["args"][0] for m in drain(sc) if m["name"] == "personal"]
        assert personal == [{"kind": "test"}], personal
    return "ok" if sc.is_connected() else "refused"


def play_join(stage, who, sc):
    result = outcome(emit(sc, "join", {"project": stage.project.id}))
    seen = presence_ids(drain(stage.watcher))
    assert seen == ([stage.room_ids()] if result == "ok" else []), seen
    assert (stage.uid(who) in stage.room_ids()) == (result == "ok")
    drain(sc)
    stage.stir()
    heard = {m["name"] for m in drain(sc)}
    assert heard == (PROJECT_EVENTS if result == "ok" else set()), heard
    return result


def play_typing(stage, who, sc):
    result = outcome(emit(sc, "typing", stage.typing()))
    typing = [m["args"][0] for m in drain(stage.watcher) if m["name"] == "typing"]
    if result == "ok":
        assert [t["user"] for t in typing] == [stage.people[who].id]
    else:
        assert typing == [], typing
    drain(sc)
    return result


def play_leave(stage, who, sc):
    joined = outcome(emit(sc, "join", {"project": stage.project.id})) == "ok"
    drain(stage.watcher), drain(sc)
    before = stage.room_ids()
    result = outcome(emit(sc, "leave", {"project": stage.project.id}))
    seen = presence_ids(drain(stage.watcher))
    # Leaving tells the room only when the socket was in it (no broadcast on demand).
    assert seen == ([before - {stage.uid(who)}] if joined else []), seen
    stage.stir()
    assert drain(sc) == []
    return result


def play_plan_join(stage, who, sc):
    ack = emit(sc, "plan:join", stage.plan_section())
    result = plan_outcome(ack)
    assert result != "ok" or "update" in ack  # the text comes with the grant, never without
    assert result == "ok" or ack is None or set(ack) == {"ok", "error"}, ack
    stage.write_plan()
    heard = {m["name"] for m in drain(sc)}
    assert ("plan:update" in heard) == (result == "ok"), heard
    return result


def play_plan_update(stage, who, sc):
    emit(sc, "plan:join", stage.plan_section())
    before = count(db.select(PlanUpdate))
    ack = emit(sc, "plan:update", stage.plan_section() | {"update": Editor().type(0, "x")})
    result = plan_outcome(ack)
    heard = [m["name"] for m in drain(stage.watcher) if m["name"].startswith("plan:")]
    assert heard == (["plan:update"] if result == "ok" else []), heard
    assert count(db.select(PlanUpdate)) == before + (result == "ok")
    drain(sc)
    return result


def play_plan_awareness(stage, who, sc):
    emit(sc, "plan:join", stage.plan_section())
    result = plan_outcome(emit(sc, "plan:awareness", stage.plan_section() | {"cursor": None}))
    heard = [m["args"][0] for m in drain(stage.watcher) if m["name"] == "plan:awareness"]
    assert [a["user"] for a in heard] == ([stage.uid(who)] if result == "ok" else []), heard
    drain(sc)
    return result


def play_plan_leave(stage, who, sc):
    emit(sc, "plan:join", stage.plan_section())
    drain(sc)
    result = plan_outcome(emit(sc, "plan:leave", stage.plan_section()))
    stage.write_plan()
    assert "plan:update" not in {m["name"] for m in drain(sc)}
    return result


def play_disconnect(stage, who, sc):
    joined = outcome(emit(sc, "join", {"project": stage.project.id})) == "ok"
    drain(stage.watcher), drain(sc)
    before = stage.room_ids()
    if sc.is_connected():
        sc.disconnect()
        result = "ok"
    else:
        result = outcome(emit(sc, "disconnect"))
    seen = presence_ids(drain(stage.watcher))
    assert seen == ([before - {stage.uid(who)}] if joined else []), seen
    stage.stir()
    assert drain(sc) == []
    return result


SCENARIOS = {
    "connect": play_connect,
    "join": play_join,
    "typing": play_typing,
    "leave": play_leave,
    "plan:join": play_plan_join,
    "plan:update": play_plan_update,
    "plan:awareness": play_plan_awareness,
    "plan:leave": play_plan_leave,
    "disconnect": play_disconnect,  # last: it closes the socket
}


def test_every_registered_event_has_an_expected_outcome():
    registered = registered_events()
    assert {ns for ns, _ in registered} == {"/"}, registered
    events = {event for _, event in registered}
    assert events == set(EXPECTED) == set(SCENARIOS), (events, set(EXPECTED))
    for event, row in EXPECTED.items():
        assert set(row) == set(VISITORS), event


@pytest.mark.parametrize("who", VISITORS)
def test_every_event_for_every_visitor(who, app, roles_project, socket_for):
    stage = Stage(app, roles_project, socket_for)
    sc = stage.socket(who)
    events = {event for _, event in registered_events()}
    got = {event: play(stage, who, sc) for event, play in SCENARIOS.items() if event in events}
    assert got == {event: row[who] for event, row in EXPECTED.items()}


def test_member_elsewhere_is_refused_and_hears_nothing_of_this_project(
    app, roles_project, socket_for
):
    """A member of another project (a forged project id in the join) is refused like a
    stranger and hears nothing of this project, while still hearing its own."""
    from tests.factories import create_project, create_user

    stage = Stage(app, roles_project, socket_for)
    neighbour = create_user("Voisine")
    own = create_project({neighbour: "director"})
    sc = socket_for(neighbour, own)
    for forged in (stage.project.id, str(stage.project.id), {"project": stage.project.id}):
        data = forged if isinstance(forged, dict) else {"project": forged}
        assert emit(sc, "join", data) == REFUSALS["forbidden"]
    assert emit(sc, "typing", stage.typing()) == REFUSALS["refused"]
    stage.stir()
    assert drain(sc) == []
    operations.update_project(own, neighbour, name=new_name())
    db.session.commit()
    assert [m["args"][0]["project"] for m in drain(sc) if m["name"] == "notice"] == [own.id]
