"""Feedback after one's own action: a toast (HX-Trigger for htmx, flash otherwise)."""

from __future__ import annotations

import json

from flask import flash, g

from workspace.extensions import htmx


def toast(message, kind: str = "success", action: dict | None = None) -> None:
    """Queue a toast for this response. ``action``: ``{"label", "url"}`` of a button that
    POSTs to ``url`` (« Annuler » after a deletion); htmx requests only (a flash has none)."""
    if htmx:
        item = {"message": str(message), "kind": kind}
        if action:
            item["action"] = {"label": str(action["label"]), "url": action["url"]}
        g.setdefault("_toasts", []).append(item)
    else:
        flash(str(message), kind)


def attach_toasts(response):
    toasts = g.pop("_toasts", None)
    if toasts:
        trigger = json.loads(response.headers.get("HX-Trigger", "{}") or "{}")
        trigger["coop:toast"] = toasts
        response.headers["HX-Trigger"] = json.dumps(trigger)
    return response
