"""The realtime hub: Socket.IO rooms per project, presence, and notices after commit.

Clients connect with their session cookie (anonymous sockets are refused), then ``join`` a
project room; the join is granted only when ``can(user, project, "project.view")``. Every
signed-in socket is also in its personal room ``user:<id>`` (notifications).

A socket stays in a project room only while that check holds: when a commit deletes or
changes a membership, or ends a user's sessions (``session_epoch`` bumped, account
deactivated), the sockets that no longer pass ``can()`` are taken out of the room (and an
ended session out of its personal room) right after the commit, before its notices go out.
Their next ``join`` is refused: each event reloads the user from the socket's session cookie.

Sub-rooms of a project are named ``project:<id>:<what>`` (a plan section being co-edited):
an eviction takes the socket out of them too.

Notices are small (``{"type": "task:moved", "id": 42, "project": 7, "by": 3, "keys": [...]}``):
each client refetches its own fragments through htmx under its own permissions.
"""

from __future__ import annotations

import json
import threading

from flask import current_app, g, has_app_context, request
from flask_login import current_user
from flask_socketio import join_room, leave_room
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Session, joinedload

from workspace.events import notices_committed
from workspace.extensions import db, socketio
from workspace.models import Membership, Project, User
from workspace.permissions import can


def project_room(project_id: int) -> str:
    return f"project:{project_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


class MemoryPresence:
    """Who is connected to which project, for one process."""

    def __init__(self):
        self.rooms: dict[int, dict[str, int]] = {}

    def add(self, project_id: int, sid: str, user_id: int) -> None:
        self.rooms.setdefault(project_id, {})[sid] = user_id

    def remove(self, project_id: int, sid: str) -> None:
        self.rooms.get(project_id, {}).pop(sid, None)

    def projects_of(self, sid: str) -> list[int]:
        return [pid for pid, sids in self.rooms.items() if sid in sids]

    def user_ids(self, project_id: int) -> set[int]:
        return set(self.rooms.get(project_id, {}).values())

    def members(self, project_id: int) -> dict[str, int]:
        """``{sid: user_id}`` of the sockets in the project room."""
        return dict(self.rooms.get(project_id, {}))


class RedisPresence(MemoryPresence):
    """Presence shared by every process through Redis hashes ``coopilote:presence:<id>``."""

    def __init__(self, url: str):
        import redis

        super().__init__()
        self.redis = redis.Redis.from_url(url)

    def _key(self, project_id: int) -> str:
        return f"coopilote:presence:{project_id}"

    def add(self, project_id, sid, user_id):
        super().add(project_id, sid, user_id)
        self.redis.hset(self._key(project_id), sid, user_id)
        self.redis.expire(self._key(project_id), 86400)

    def remove(self, project_id, sid):
        super().remove(project_id, sid)
        self.redis.hdel(self._key(project_id), sid)

    def user_ids(self, project_id):
        return {int(v) for v in self.redis.hvals(self._key(project_id))}

    def members(self, project_id):
        raw = self.redis.hgetall(self._key(project_id))
        return {sid.decode(): int(uid) for sid, uid in raw.items()}


def presence():
    return current_app.extensions["coopilote.presence"]


#: The people a presence broadcast names (the top bar shows their avatars, then « +N »). All
#: of them, with 500 people in a project, made each broadcast ~65 kB to each of 500 tabs:
#: 32 MB per broadcast, which stalled the worker and dropped sockets (bench/fanout.py).
PRESENCE_SHOWN = 8


def presence_payload(project_id: int, ids: set[int] | None = None) -> dict:
    """Who is in the project's room: ``count`` people, the first :data:`PRESENCE_SHOWN` of
    them by name in ``users``."""
    ids = presence().user_ids(project_id) if ids is None else ids
    users = (
        db.session.scalars(
            db.select(User)
            .options(joinedload(User.organisation))
            .where(User.id.in_(ids))
            .order_by(User.name, User.id)
            .limit(PRESENCE_SHOWN)
        )
        if ids
        else []
    )
    return {
        "project": project_id,
        "count": len(ids),
        "users": [
            {
                "id": u.id,
                "name": u.name,
                "initials": u.initials,
                "organisation": u.organisation.name,
                "color": u.organisation.color,
            }
            for u in users
        ],
    }


def _emit_notices(sender, notices):
    for notice in notices:
        socketio.emit("notice", notice, to=project_room(notice["project"]))


def notify_user(user_id: int, payload: dict) -> None:
    """Send a personal notice (e.g. a notification) to every open tab of one user."""
    socketio.emit("personal", payload, to=user_room(user_id))


def _parse_project_id(data) -> int | None:
    raw = data.get("project") if isinstance(data, dict) else data
    if isinstance(raw, bool):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**31 else None


def on_connect(auth=None):
    if not current_user.is_authenticated:
        return False  # refuse anonymous sockets
    join_room(user_room(current_user.id))
    return True


def on_join(data):
    project_id = _parse_project_id(data)
    project = db.session.get(Project, project_id) if project_id else None
    if project is None or not can(current_user, project, "project.view"):
        return {"ok": False, "error": "forbidden"}
    join_room(project_room(project.id))
    presence().add(project.id, request.sid, current_user.id)
    announce_presence(project.id)
    return {"ok": True}


# Presence is announced per room at most once per PRESENCE_BATCH_SECONDS: 500 tabs joining
# after a restart make a handful of broadcasts, not one per join to everyone already there
# (500² messages). 0: at once (the tests that follow each message).
_pending_rooms: set[int] = set()
_pending_lock = threading.Lock()


def announce_presence(project_id: int) -> None:
    delay = float(current_app.config.get("PRESENCE_BATCH_SECONDS", 0.25))
    if delay <= 0:
        socketio.emit("presence", presence_payload(project_id), to=project_room(project_id))
        return
    with _pending_lock:
        if project_id in _pending_rooms:
            return  # the broadcast already planned will say it
        _pending_rooms.add(project_id)
    app = current_app._get_current_object()
    socketio.start_background_task(_announce_later, app, project_id, delay)


def _announce_later(app, project_id: int, delay: float) -> None:
    socketio.sleep(delay)
    with _pending_lock:
        _pending_rooms.discard(project_id)  # a change from now on plans another broadcast
    with app.app_context():
        payload = presence_payload(project_id)
    socketio.emit("presence", payload, to=project_room(project_id))


def on_leave(data):
    project_id = _parse_project_id(data)
    if project_id:
        _leave(project_id, request.sid)
    return {"ok": True}


def _leave(project_id: int, sid: str) -> None:
    leave_room(project_room(project_id), sid=sid)
    if sid not in presence().members(project_id):
        return  # not in that room: nothing changed, nothing to tell its members
    presence().remove(project_id, sid)
    announce_presence(project_id)


def on_disconnect(reason=None):
    for project_id in presence().projects_of(request.sid):
        _leave(project_id, request.sid)


def on_error(exc):  # pragma: no cover - logged, never crashes the socket
    current_app.logger.warning("socket event failed: %s", exc)
    db.session.rollback()


# -- Revocation: room membership follows can() after each commit -----------------------------


def _session_ended(user: User) -> bool:
    state = inspect(user)
    return state.attrs.session_epoch.history.has_changes() or (
        state.attrs.active.history.has_changes() and not user.active
    )


@sa_event.listens_for(Session, "after_flush")
def _plan_evictions(session: Session, flush_context) -> None:
    """List the sockets the flushed changes shut out (SQL is allowed here, not after commit)."""
    ended = {o.id for o in session.dirty if isinstance(o, User) and _session_ended(o)}
    changed = {
        o.project_id
        for o in (*session.new, *session.dirty, *session.deleted)
        if isinstance(o, Membership)
    }
    if not (ended or changed) or not has_app_context():
        return
    if "coopilote.presence" not in current_app.extensions:
        return
    g.pop("_memberships", None)  # the request's cache predates this flush
    plan = session.info.setdefault("realtime_evictions", {"ended": set(), "rooms": {}})
    plan["ended"] |= ended
    with session.no_autoflush:
        if plan["ended"]:
            rows = db.select(Membership.project_id).where(Membership.user_id.in_(plan["ended"]))
            changed |= set(session.scalars(rows))
        for project_id in changed:
            project, present = session.get(Project, project_id), presence().members(project_id)
            out = {
                sid
                for sid, uid in present.items()
                if uid in plan["ended"] or not can(session.get(User, uid), project, "project.view")
            }
            stay = {uid for sid, uid in present.items() if sid not in out}
            plan["rooms"][project_id] = (out, presence_payload(project_id, stay) if out else None)


@sa_event.listens_for(Session, "after_commit", insert=True)  # before the notices go out
def _apply_evictions(session: Session) -> None:
    plan = session.info.pop("realtime_evictions", None)
    if not plan:
        return
    for user_id in plan["ended"]:
        socketio.close_room(user_room(user_id))
    for project_id, (out, payload) in plan["rooms"].items():
        for sid in out:
            _leave_project_rooms(sid, project_id)
            presence().remove(project_id, sid)
        if out:
            socketio.emit("presence", payload, to=project_room(project_id))


def _leave_project_rooms(sid: str, project_id: int) -> None:
    """Take a socket out of the project room and of the project's sub-rooms
    (``project:<id>:…``, e.g. a plan section being edited)."""
    room = project_room(project_id)
    for name in socketio.server.manager.get_rooms(sid, "/"):
        if name.startswith(room + ":"):
            socketio.server.leave_room(sid, name)
    socketio.server.leave_room(sid, room)


@sa_event.listens_for(Session, "after_soft_rollback")
def _drop_evictions(session: Session, previous_transaction) -> None:
    session.info.pop("realtime_evictions", None)


def _fresh_globals_per_event(sio) -> None:
    """Tests keep an app context pushed, so socket events would share its ``g`` (the cached
    user and memberships of whoever came before); in production each event has its own
    context. Start each event with none, as ``create_app`` does for requests."""
    handle = type(sio)._handle_event

    def handle_fresh(handler, message, namespace, sid, *args):
        def fresh(*a):
            for key in ("_login_user", "_memberships", "project"):
                g.pop(key, None)
            return handler(*a)

        return handle(sio, fresh, message, namespace, sid, *args)

    sio._handle_event = handle_fresh


def init_realtime(app) -> None:
    """Bind Socket.IO to ``app`` (explicit async_mode; Redis message queue when configured)."""
    redis_url = app.config.get("REDIS_URL") or None
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=redis_url,
        json=json,
        manage_session=False,
    )
    app.extensions["coopilote.presence"] = (
        RedisPresence(redis_url) if redis_url else MemoryPresence()
    )
    socketio.on_event("connect", on_connect)
    socketio.on_event("join", on_join)
    socketio.on_event("leave", on_leave)
    socketio.on_event("disconnect", on_disconnect)
    socketio.on_error_default(on_error)
    notices_committed.connect(_emit_notices, weak=False)
    if app.testing:
        _fresh_globals_per_event(socketio)
