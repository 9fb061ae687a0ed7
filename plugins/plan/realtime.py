"""Socket.IO events of the co-edited plan, on the existing connection.

- ``plan:join`` ``{project, section, sv}`` → joins the section's room; the ack carries what the
  client lacks (``update``), the server's state vector (``sv``: the client then sends what the
  server lacks, e.g. edits made offline) and whether it may write (``editable``).
- ``plan:update`` ``{project, section, update}`` → checked (``plan.edit``, a section not
  validated, a well-formed update of reasonable size) and merged, sent to the others in the
  room as ``plan:update``, then stored and committed (``batch.py``: with the updates that
  arrived beside it) before the ack.
- ``plan:awareness`` ``{project, section, cursor}`` → the caret or selection (Yjs relative
  positions) relayed to the others with the sender's name, organisation and colour, taken
  from the server, never from the client.
- ``plan:leave`` ``{project, section}``.

Every event reloads the user and checks ``can()``; a refusal is an error ack and nothing is
sent to anyone. The room is ``project:<id>:plan:<section>``: the hub takes a socket out of
it, like out of the project room, when the person loses access.
"""

from __future__ import annotations

import json

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room

from workspace.extensions import db, socketio
from workspace.models import Membership, Project
from workspace.permissions import can, remember_membership
from workspace.realtime.hub import _parse_project_id, project_room

from . import batch, crdt
from .models import PlanSection

MAX_CURSOR = 2000  # bytes of JSON: two relative positions


def plan_room(project_id: int, section_id: int) -> str:
    return f"{project_room(project_id)}:plan:{section_id}"


def _refuse(message) -> dict:
    return {"ok": False, "error": str(message)}


def _section(data, permission: str):
    """``(project, section)`` when the event names a section the user may ``permission``."""
    if not isinstance(data, dict) or not current_user.is_authenticated:
        return None
    project_id = _parse_project_id(data)
    raw = data.get("section")
    if not project_id or not isinstance(raw, int) or isinstance(raw, bool):
        return None
    if not 0 < raw < 2**31:
        return None
    # The section, its project and the person's membership in one query: the permission
    # check below then asks nothing more (this runs on every keystroke batch).
    user_id = current_user.id
    row = db.session.execute(
        db.select(PlanSection, Project, Membership)
        .join(Project, Project.id == PlanSection.project_id)
        .outerjoin(
            Membership, (Membership.project_id == Project.id) & (Membership.user_id == user_id)
        )
        .where(PlanSection.id == raw, Project.id == project_id)
    ).first()
    if row is None:
        return None
    section, project, membership = row
    remember_membership(current_user, project, membership)
    if not can(current_user, project, permission):
        return None
    return project, section


def on_join(data):
    found = _section(data, "plan.view")
    if found is None:
        return _refuse(_("Section inconnue ou accès refusé."))
    project, section = found
    try:
        update, sv = crdt.missing_for(section.id, data.get("sv"))
    except crdt.UpdateRefused as refused:
        current_app.logger.warning("plan:join refused (%s): %s", section.id, refused.reason)
        return _refuse(refused.message)
    db.session.commit()  # a first read may have created the section's content row
    join_room(plan_room(project.id, section.id))
    editable = section.editable and can(current_user, project, "plan.edit")
    return {"ok": True, "update": update, "sv": sv, "editable": editable, "status": section.status}


def on_update(data):
    found = _section(data, "plan.edit")
    if found is None:
        return _refuse(_("Section inconnue ou modification non autorisée."))
    project, section = found
    if not section.editable:
        return _refuse(_("Cette section est validée : rouvrez-la pour la modifier."))
    try:
        merged = crdt.merge(section.id, data.get("update"))
    except crdt.UpdateRefused as refused:
        current_app.logger.warning(
            "plan:update refused (section %s, user %s): %s",
            section.id,
            current_user.id,
            refused.reason,
        )
        return _refuse(refused.message)
    # Relayed as soon as merged: the others need not wait for the row and the commit, and
    # should those fail, the sender syncs again (a Yjs update applied twice changes nothing).
    payload = {"section": section.id, "update": merged.data}
    socketio.emit(
        "plan:update", payload, to=plan_room(project.id, section.id), skip_sid=request.sid
    )
    socketio.sleep(0)  # let the sockets' writers send it before the database work below
    if not batch.store(section.id, current_user.id, merged):
        message = _("Modification non enregistrée pour l'instant : nouvel essai dans un instant.")
        return _refuse(message) | {"retry": True}
    return {"ok": True}


def on_awareness(data):
    found = _section(data, "plan.view")
    if found is None:
        return _refuse(_("Section inconnue ou accès refusé."))
    project, section = found
    cursor = data.get("cursor")
    if cursor is not None and (
        not isinstance(cursor, dict) or len(json.dumps(cursor)) > MAX_CURSOR
    ):
        return _refuse(_("Position illisible."))
    user = current_user
    payload = {
        "section": section.id,
        "client": request.sid,
        "user": user.id,
        "name": user.name,
        "organisation": user.organisation.name,
        "color": user.organisation.color,
        "cursor": cursor,
    }
    room = plan_room(project.id, section.id)
    socketio.emit("plan:awareness", payload, to=room, skip_sid=request.sid)
    return {"ok": True}


def on_leave(data):
    found = _section(data, "plan.view")
    if found is not None:
        project, section = found
        room = plan_room(project.id, section.id)
        leave_room(room)
        gone = {"section": section.id, "client": request.sid, "cursor": None, "left": True}
        socketio.emit("plan:awareness", gone, to=room)
    return {"ok": True}


def register() -> None:
    socketio.on_event("plan:join", on_join)
    socketio.on_event("plan:update", on_update)
    socketio.on_event("plan:awareness", on_awareness)
    socketio.on_event("plan:leave", on_leave)
