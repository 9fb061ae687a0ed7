"""Feedback after one's own action: a toast (HX-Trigger for htmx, flash otherwise)."""

from __future__ import annotations

import json

from flask import flash, g

from workspace.extensions import htmx


def toast(message, kind: str = "success") -> None:
    """Queue a toast for this response."""
    if htmx:
        g.setdefault("_toasts", []).append({"message": str(message), "kind": kind})
    else:
        flash(str(message), kind)


def attach_toasts(response):
    toasts = g.pop("_toasts", None)
    if toasts:
        trigger = json.loads(response.headers.get("HX-Trigger", "{}") or "{}")
        trigger["coop:toast"] = toasts
        response.headers["HX-Trigger"] = json.dumps(trigger)
    return response
