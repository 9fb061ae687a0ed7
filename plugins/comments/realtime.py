"""The ``typing`` socket event: « X est en train d'écrire… » for the others on one thread.

The event carries ``{"project", "type", "id"}``. It is checked like a request (the sender
may post comments in that project and see that object); a refusal is an error ack, nothing is
broadcast, and the socket stays connected.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from workspace.extensions import db, socketio
from workspace.models import Project
from workspace.permissions import can
from workspace.realtime.hub import _parse_project_id, project_room

from . import operations as ops


def on_typing(data):
    if not isinstance(data, dict) or not current_user.is_authenticated:
        return {"ok": False, "error": _("Événement invalide.")}
    project_id = _parse_project_id(data)
    project = db.session.get(Project, project_id) if project_id else None
    if project is None or not can(current_user, project, "comments.post"):
        return {"ok": False, "error": _("Projet inconnu ou action non autorisée.")}
    object_type, object_id = data.get("type"), data.get("id")
    if (
        not isinstance(object_type, str)
        or not isinstance(object_id, int)
        or isinstance(object_id, bool)
        or not ops.resolve(project, current_user, object_type[:40], object_id)
    ):
        return {"ok": False, "error": _("Objet inconnu.")}
    payload = {
        "project": project.id,
        "type": object_type,
        "id": object_id,
        "user": current_user.id,
        "name": current_user.name,
    }
    socketio.emit("typing", payload, to=project_room(project.id), skip_sid=request.sid)
    return {"ok": True}


def register() -> None:
    socketio.on_event("typing", on_typing)
