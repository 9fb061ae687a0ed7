"""Named versions of the plan: take a snapshot, show it, compare two, restore one.

A snapshot keeps every section's blocks (text and formats). Comparing works on words, section
by section (matched by section id, so a renamed or moved section is still compared with
itself). Restoring first saves the plan as it is as a version (nothing is lost), then writes the
version's text into each section still there and not validated, as one Yjs update per section
that the open editors receive like anyone's edit.
"""

from __future__ import annotations

import difflib
import re

from flask_babel import lazy_gettext as _l

from workspace.extensions import db, socketio
from workspace.models import Project

from . import crdt, render
from .models import VERSION_NAME_MAX, PlanSection, PlanVersion
from .operations import _publish, sections_of

WORDS = re.compile(r"\s+|[^\s]+")


def snapshot(project_id: int) -> list[dict]:
    return [
        {
            "section": s.id,
            "title": s.title,
            "status": s.status,
            "blocks": [[b.kind, [[t, f] for t, f in b.runs]] for b in crdt.current_blocks(s.id)],
        }
        for s in sections_of(project_id)
    ]


def blocks_of(entry: dict) -> list[render.Block]:
    return [render.Block(kind, [(t, f or {}) for t, f in runs]) for kind, runs in entry["blocks"]]


def save_version(project, actor, name: str) -> PlanVersion:
    version = PlanVersion(
        project_id=project.id, name=name, snapshot=snapshot(project.id), created_by_id=actor.id
    )
    db.session.add(version)
    db.session.flush()
    summary = _l("a enregistré la version « %(name)s » du plan", name=name)
    _publish("version_saved", project, actor, summary, None)
    return version


def current_as_version(project_id: int) -> dict:
    """The plan as it is now, shaped like a stored version (for comparing)."""
    return {"id": None, "name": None, "snapshot": snapshot(project_id)}


def compare(old: list[dict], new: list[dict]) -> list[dict]:
    """Per section of either side: ``{"title", "status": same|changed|added|removed, "diff"}``
    where ``diff`` is ``[(op, words)]`` with op ``=``, ``-`` or ``+``."""
    before, after = _by_section(old), _by_section(new)
    order = list(after) + [s for s in before if s not in after]
    out = []
    for sid in order:
        a, b = before.get(sid), after.get(sid)
        text_a = render.to_text(blocks_of(a)) if a else ""
        text_b = render.to_text(blocks_of(b)) if b else ""
        diff = _word_diff(text_a, text_b)
        status = "added" if a is None else "removed" if b is None else "same"
        if status == "same" and (text_a != text_b or a["title"] != b["title"]):
            status = "changed"
        out.append(
            {
                "title": (b or a)["title"],
                "old_title": a and a["title"],
                "status": status,
                "diff": diff,
            }
        )
    return out


def _by_section(entries: list[dict]) -> dict:
    """Entries by section id (a section deleted before a backup was restored has none)."""
    return {e["section"] if e.get("section") else ("gone", i): e for i, e in enumerate(entries)}


def _word_diff(a: str, b: str) -> list[tuple[str, str]]:
    wa, wb = WORDS.findall(a), WORDS.findall(b)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", "".join(wa[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(wa[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(wb[j1:j2])))
    return out


def restore(version: PlanVersion, actor) -> tuple[list[str], list[tuple[PlanSection, bytes]]]:
    """Write the version's text back into its sections still there and not validated.

    Returns the titles skipped and the ``(section, update)`` written: pass them to
    :func:`broadcast` after the commit, so that open editors follow."""
    restored, skipped, updates = [], [], []
    project = db.session.get(Project, version.project_id)
    # What is there now becomes a version first: a restore loses nothing.
    save_version(project, actor, _before_restore(version.name))
    for entry in version.snapshot:
        section = db.session.get(PlanSection, entry["section"]) if entry.get("section") else None
        if section is None or section.project_id != version.project_id or not section.editable:
            skipped.append(entry["title"])
            continue
        updates.append((section, crdt.replace_text(section.id, blocks_of(entry), actor.id)))
        crdt.save_point(section.id, actor.id)
        restored.append(section)
    if restored:
        summary = _l("a restauré la version « %(name)s » du plan", name=version.name)
        _publish("version_restored", project, actor, summary, None)
    return skipped, updates


def _before_restore(name: str) -> str:
    """The name of the version kept before a restore (the plan's language: French)."""
    return f"Avant la restauration de « {name} »"[:VERSION_NAME_MAX]


def broadcast(updates: list[tuple[PlanSection, bytes]]) -> None:
    """Send the restored sections' updates to their rooms (after the commit)."""
    from .realtime import plan_room

    for section, update in updates:
        payload = {"section": section.id, "update": update}
        socketio.emit("plan:update", payload, to=plan_room(section.project_id, section.id))
