"""Socket.IO test helpers of the hardening tests: a project stage with a watcher in its room,
emitting with an acknowledgement (also from a refused socket), what a client received."""

from __future__ import annotations

import itertools

from socketio import packet

from tests.factories import create_user
from workspace import operations
from workspace.extensions import db, socketio
from workspace.models import Membership
from workspace.realtime.hub import presence

# The documented acknowledgements of a refusal (docs/architecture.md, "Realtime").
REFUSALS = {
    "forbidden": {"ok": False, "error": "forbidden"},  # join
    "refused": {"ok": False, "error": "Projet inconnu ou action non autorisée."},  # typing
}
# What a socket in the project room hears when something changes there (Stage.stir).
PROJECT_EVENTS = {"notice", "typing", "presence"}
NAMES = itertools.count(1)


class Stage:
    """The project, a watcher in its room, and the sockets of one test."""

    def __init__(self, app, roles_project, socket_for):
        self.app, self.make = app, socket_for
        self.project, self.people = roles_project
        for name in ("watcher", "extra"):
            self.people[name] = create_user(name.title())
            db.session.add(
                Membership(
                    user_id=self.people[name].id, project_id=self.project.id, role="director"
                )
            )
        db.session.commit()
        self.watcher = socket_for(self.people["watcher"], self.project)

    def socket(self, who: str):
        if who == "anonymous":
            sc = socketio.test_client(self.app, flask_test_client=self.app.test_client())
            assert sc.eio_sid in socketio.server.environ
            return sc
        return self.make(self.people[who])

    def stir(self) -> None:
        """Something changes in the project: a notice, a typing event, a presence change."""
        operations.update_project(self.project, self.people["coordinator"], name=new_name())
        db.session.commit()
        extra = self.make(self.people["extra"], self.project)  # presence: arrives
        assert emit(extra, "typing", self.typing()) == {"ok": True}
        extra.disconnect()  # presence: leaves
        heard = {m["name"] for m in drain(self.watcher)}
        assert heard == PROJECT_EVENTS, heard  # the members did hear it

    def plan_section(self) -> dict:
        """A section of the project's plan, the watcher in its room (the plan made once)."""
        if not hasattr(self, "section"):
            from plugins.plan import operations as plan_ops

            with self.app.test_request_context():
                self.section = plan_ops.start_plan(self.project, self.people["coordinator"])[0]
                db.session.commit()
            where = {"project": self.project.id, "section": self.section.id}
            assert emit(self.watcher, "plan:join", where)["ok"]
            drain(self.watcher)
        return {"project": self.project.id, "section": self.section.id}

    def write_plan(self) -> None:
        """The watcher (a director) types in the section: its room hears a plan:update."""
        from tests.plugins.plan.conftest import Editor

        update = Editor().type(0, "y")
        assert emit(self.watcher, "plan:update", self.plan_section() | {"update": update}) == {
            "ok": True
        }
        drain(self.watcher)  # its own update, and the activity notice of a first edit

    def typing(self) -> dict:
        return {"project": self.project.id, "type": "project", "id": self.project.id}

    def room_ids(self) -> set[int]:
        """The ids of the people present in the project room."""
        return presence().user_ids(self.project.id)

    def uid(self, who: str) -> int | None:
        return None if who == "anonymous" else self.people[who].id


def new_name() -> str:
    return f"Projet renommé {next(NAMES)}"


def drain(sc) -> list[dict]:
    """Everything the client received so far (also for a refused or closed socket)."""
    got, sc.queue = sc.queue, []
    return got


def emit(sc, event: str, data=None):
    """Emit with an acknowledgement; for a socket that is not connected, send the raw packet
    anyway (a client may try) and return what came back (None: nothing)."""
    if sc.is_connected():
        return sc.emit(event, data, callback=True)
    kind = packet.DISCONNECT if event == "disconnect" else packet.EVENT
    pkt = packet.Packet(kind, data=None if kind == packet.DISCONNECT else [event, data], id=1)
    encoded = pkt.encode()  # a list when the data carries bytes: the packet, then attachments
    try:
        for part in encoded if isinstance(encoded, list) else [encoded]:
            socketio.server._handle_eio_message(sc.eio_sid, part)
    except ValueError:  # "Unexpected binary packet": dropped, as engine.io drops it in service
        return None
    ack, sc.acks = sc.acks, None
    return ack["args"][0] if ack else None


def outcome(ack) -> str:
    if ack is None:
        return "ignored"
    if ack == {"ok": True}:
        return "ok"
    return next((name for name, value in REFUSALS.items() if ack == value), f"ack {ack!r}")


def plan_outcome(ack) -> str:
    """The plan events answer ``{"ok": True, …}`` or ``{"ok": False, "error": …}``."""
    if ack is None:
        return "ignored"
    return "ok" if ack.get("ok") is True else "refused"


def presence_ids(messages) -> list[set[int]]:
    return [{u["id"] for u in m["args"][0]["users"]} for m in messages if m["name"] == "presence"]
