"""Helpers for the comments tests: post on a thread."""

from __future__ import annotations

import itertools

_keys = itertools.count(1)


def thread_url(project, object_type="project", object_id=None) -> str:
    oid = project.id if object_id is None else object_id
    return f"/projects/{project.id}/comments/thread/{object_type}/{oid}"


def post(client, project, body, *, parent=None, key=None, json=True, **where):
    """POST a comment (JSON answer unless ``json=False``); each call gets a fresh key."""
    data = {"body": body, "key": key or f"key-{next(_keys):08d}"}
    if parent:
        data["parent"] = str(parent)
    headers = {"Accept": "application/json"} if json else {}
    return client.post(thread_url(project, **where), data=data, headers=headers)
