"""The co-editing events over Socket.IO: join and sync, updates reaching the others, carets,
offline edits merged on reconnect, and every refusal (role, project, malformed update)."""

from __future__ import annotations

import pytest

from plugins.plan import crdt
from plugins.plan.models import PlanUpdate, Status
from workspace.extensions import db
from workspace.models import Activity, count

from .conftest import Editor


def _join(sc, project, section, editor: Editor | None = None):
    payload = {"project": project.id, "section": section.id}
    if editor is not None:
        payload["sv"] = editor.state_vector
    return sc.emit("plan:join", payload, callback=True)


def _send(sc, project, section, update):
    return sc.emit(
        "plan:update",
        {"project": project.id, "section": section.id, "update": update},
        callback=True,
    )


def _events(sc, name):
    return [m["args"][0] for m in sc.get_received() if m["name"] == name]


def test_two_directors_edit_at_once_and_both_see_everything(plan, socket_for):
    project, people, sections = plan
    section = sections[1]
    a, b = socket_for(people["director"]), socket_for(people["coordinator"])
    alice, bob = Editor(), Editor()
    for sc, ed in ((a, alice), (b, bob)):
        ack = _join(sc, project, section, ed)
        assert ack["ok"] and ack["editable"] is True
        ed.receive(ack["update"])
    assert _send(a, project, section, alice.type(0, "Objectif 1 : un seul planning. ")) == {
        "ok": True
    }
    assert _send(b, project, section, bob.type(0, "Objectif 2 : une astreinte commune.")) == {
        "ok": True
    }
    for sc, ed in ((a, alice), (b, bob)):
        for msg in _events(sc, "plan:update"):
            assert msg["section"] == section.id
            ed.receive(msg["update"])
    assert str(alice) == str(bob)
    assert "Objectif 1" in str(alice) and "Objectif 2" in str(alice)
    crdt.forget()
    assert "".join(b.text for b in crdt.current_blocks(section.id)) == str(alice)


def test_a_late_joiner_gets_the_whole_text(plan, socket_for):
    project, people, sections = plan
    section = sections[0]
    a = socket_for(people["director"])
    alice = Editor()
    _join(a, project, section, alice)
    _send(a, project, section, alice.type(0, "Déjà écrit."))
    late = Editor()
    ack = _join(socket_for(people["funder"]), project, section, late)
    late.receive(ack["update"])
    assert str(late) == "Déjà écrit." and ack["editable"] is False


def test_offline_edits_merge_on_reconnect(plan, socket_for):
    """One director goes offline; both edit; on reconnect both texts hold both edits."""
    project, people, sections = plan
    section = sections[2]
    a, b = socket_for(people["director"]), socket_for(people["coordinator"])
    alice, bob = Editor(), Editor()
    _join(a, project, section, alice)
    _join(b, project, section, bob)
    _send(a, project, section, alice.type(0, "Base commune. "))
    for msg in _events(b, "plan:update"):
        bob.receive(msg["update"])
    b.disconnect()
    bob.type(bob.end, "Écrit hors ligne.")  # kept locally, not sent
    _send(a, project, section, alice.type(0, "En ligne : "))
    b = socket_for(people["coordinator"])  # reconnects: sync both ways
    ack = _join(b, project, section, bob)
    bob.receive(ack["update"])
    assert _send(b, project, section, bob.missing_for(ack["sv"])) == {"ok": True}
    for msg in _events(a, "plan:update"):
        alice.receive(msg["update"])
    assert str(alice) == str(bob)
    assert (
        "En ligne : " in str(bob)
        and "Écrit hors ligne." in str(bob)
        and "Base commune." in str(bob)
    )


def test_awareness_carries_the_servers_identity_not_the_clients(plan, socket_for):
    project, people, sections = plan
    section = sections[0]
    a, b = socket_for(people["director"]), socket_for(people["adviser"])
    _join(a, project, section)
    _join(b, project, section)
    cursor = {"anchor": {"type": None, "tname": "content", "item": None, "assoc": 0}, "head": None}
    ack = a.emit(
        "plan:awareness",
        {
            "project": project.id,
            "section": section.id,
            "cursor": cursor,
            "name": "Quelqu'un d'autre",
        },
        callback=True,
    )
    assert ack == {"ok": True}
    (msg,) = _events(b, "plan:awareness")
    director = people["director"]
    assert msg["name"] == director.name and msg["organisation"] == director.organisation.name
    assert msg["cursor"] == cursor and msg["user"] == director.id
    assert _events(a, "plan:awareness") == []  # not echoed to the sender
    big = {"anchor": "x" * 5000}
    ack = a.emit(
        "plan:awareness",
        {"project": project.id, "section": section.id, "cursor": big},
        callback=True,
    )
    assert ack["ok"] is False and _events(b, "plan:awareness") == []


@pytest.mark.parametrize("who", ["adviser", "evaluator", "funder"])
def test_readers_may_join_but_never_write(plan, socket_for, who):
    project, people, sections = plan
    section = sections[0]
    director, reader = socket_for(people["director"]), socket_for(people[who])
    _join(director, project, section)
    ack = _join(reader, project, section)
    assert ack["ok"] and ack["editable"] is False
    ack = _send(reader, project, section, Editor().type(0, "Intrus"))
    assert ack["ok"] is False and ack["error"]
    assert count(db.select(PlanUpdate)) == 0
    assert _events(director, "plan:update") == []


@pytest.mark.parametrize("who", ["outsider", "admin"])
def test_non_members_get_an_error_and_no_data(plan, socket_for, who):
    project, people, sections = plan
    section = sections[0]
    writer = socket_for(people["director"])
    _join(writer, project, section)
    _send(writer, project, section, Editor().type(0, "Secret du projet"))
    stranger = socket_for(people[who])
    ack = _join(stranger, project, section)
    assert ack == {"ok": False, "error": ack["error"]} and "update" not in ack
    _send(writer, project, section, Editor().type(0, "Encore"))
    assert _events(stranger, "plan:update") == []


def test_a_section_of_another_project_is_refused(plan, socket_for):
    from tests.factories import project_with_roles

    _project, people, sections = plan
    other, _other_people = project_with_roles()
    sc = socket_for(people["director"])
    ack = sc.emit("plan:join", {"project": other.id, "section": sections[0].id}, callback=True)
    assert ack["ok"] is False


@pytest.mark.parametrize(
    "payload",
    [None, "texte", {"project": "x"}, {"section": True}, {"section": 2**40}, {"update": b"\x00"}],
)
def test_malformed_events_get_an_error(plan, socket_for, payload):
    project, people, sections = plan
    sc = socket_for(people["director"])
    if isinstance(payload, dict):
        payload = {"project": project.id, "section": sections[0].id} | payload
    only_update = isinstance(payload, dict) and "update" in payload  # the others ignore it
    for event in (
        ("plan:update",) if only_update else ("plan:join", "plan:update", "plan:awareness")
    ):
        ack = sc.emit(event, payload, callback=True)
        assert ack["ok"] is False, (event, payload)


def test_a_malformed_update_is_logged_refused_and_changes_nothing(plan, socket_for, caplog):
    project, people, sections = plan
    section = sections[0]
    a, b = socket_for(people["director"]), socket_for(people["coordinator"])
    _join(a, project, section)
    _join(b, project, section)
    ack = _send(a, project, section, b"\x05\x07 not a yjs update")
    assert ack["ok"] is False and "illisible" in ack["error"]
    assert "plan:update refused" in caplog.text
    assert count(db.select(PlanUpdate)) == 0 and _events(b, "plan:update") == []


def test_a_validated_section_refuses_edits(plan, socket_for):
    project, people, sections = plan
    section = sections[0]
    section.status = Status.VALIDATED.value
    db.session.commit()
    sc = socket_for(people["director"])
    assert _join(sc, project, section)["editable"] is False
    ack = _send(sc, project, section, Editor().type(0, "Après validation"))
    assert ack["ok"] is False and "rouvrez" in ack["error"]


def test_edits_are_logged_once_per_person_and_quarter_hour(plan, socket_for):
    project, people, sections = plan
    section = sections[0]
    sc = socket_for(people["director"])
    alice = Editor()
    _join(sc, project, section, alice)
    for word in ("Un ", "deux ", "trois"):
        _send(sc, project, section, alice.type(alice.end, word))
    logged = db.session.scalars(db.select(Activity).filter_by(verb="plan:edited")).all()
    assert len(logged) == 1 and logged[0].object_id == section.id
    assert logged[0].actor_id == people["director"].id


def test_a_removed_member_leaves_the_sections_room(plan, socket_for):
    from workspace.models import Membership

    project, people, sections = plan
    section = sections[0]
    writer, leaver = (
        socket_for(people["director"], project),
        socket_for(people["evaluator"], project),
    )
    _join(writer, project, section)
    _join(leaver, project, section)
    leaver.get_received()
    membership = db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=people["evaluator"].id)
    )
    db.session.delete(membership)
    db.session.commit()
    _send(writer, project, section, Editor().type(0, "Après son départ"))
    assert _events(leaver, "plan:update") == []


def test_a_database_failure_is_an_error_ack_to_retry_and_nothing_is_lost(
    plan, socket_for, monkeypatch
):
    from plugins.plan import operations as ops

    project, people, sections = plan
    section = sections[0]
    sc, other = socket_for(people["director"]), socket_for(people["coordinator"])
    alice, bob = Editor(), Editor()
    _join(sc, project, section, alice)
    _join(other, project, section, bob)
    other.get_received()

    def down(*args, **kwargs):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(ops, "record_edit", down)
    update = alice.type(0, "Pendant la panne.")
    ack = _send(sc, project, section, update)
    assert ack["ok"] is False and ack["retry"] is True and "nouvel essai" in ack["error"]
    assert count(db.select(PlanUpdate)) == 0
    # Relayed before it was stored: the others have it already, which is harmless.
    (relayed,) = _events(other, "plan:update")
    bob.receive(relayed["update"])
    assert str(bob) == "Pendant la panne."
    monkeypatch.undo()
    ack = _join(sc, project, section, alice)  # the retry: the client sends what the server lacks
    assert _send(sc, project, section, alice.missing_for(ack["sv"])) == {"ok": True}
    crdt.forget()
    assert "".join(b.text for b in crdt.current_blocks(section.id)) == "Pendant la panne."
    # The resent update changes nothing for who had it: one text everywhere.
    for m in _events(other, "plan:update"):
        bob.receive(m["update"])
    assert str(bob) == str(alice) == "Pendant la panne."


def test_a_live_update_costs_a_fixed_handful_of_statements(plan, socket_for):
    """The hot path of co-editing: the person, the section with its project and membership in
    one query, the row (the document is this process's copy); nothing per earlier update or per
    editor."""
    from sqlalchemy import event

    project, people, sections = plan
    section = sections[0]
    sc = socket_for(people["director"])
    others = [socket_for(people[r]) for r in ("coordinator", "adviser")]
    alice = Editor()
    _join(sc, project, section, alice)
    for other in others:
        _join(other, project, section)
    assert _send(sc, project, section, alice.type(0, "Premier. ")) == {"ok": True}

    where = {"project": project.id, "section": section.id}  # read now: expired by commits

    def statements_of_one_update() -> list[str]:
        seen = []

        def before(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            update = alice.type(alice.end, "Suite. ")
            ack = sc.emit("plan:update", where | {"update": update}, callback=True)
            assert ack == {"ok": True}
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
        return [s for s in seen if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))]

    first = statements_of_one_update()
    for _ in range(10):
        statements_of_one_update()
    later = statements_of_one_update()
    assert len(later) == len(first) <= 3, later
    assert sum("membership" in s for s in later) == 1  # with the section, not on its own
