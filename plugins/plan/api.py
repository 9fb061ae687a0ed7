"""Plan resources of the REST API (read): the sections with their text as it is now (plain
and HTML, the same safe HTML as the pages), and the saved versions with their text.

The text is written in the browser's co-editor only (a CRDT over Socket.IO); the API reads it.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from workspace.api.core import endpoint, get_or_404, page
from workspace.api.fields import F, Resource
from workspace.cache.memo import per_request
from workspace.extensions import db

from . import crdt, render
from . import versions as v
from .models import PlanSection, PlanVersion, Status

api_bp = Blueprint("plan_api", __name__)


@per_request
def _blocks(section_id: int) -> list[render.Block]:
    """A section's lines, read once per request for both its text and its HTML."""
    return crdt.current_blocks(section_id)


def _text(section: PlanSection) -> str:
    return render.to_text(_blocks(section.id))


def _html(section: PlanSection) -> str:
    return render.to_html(_blocks(section.id))


SECTION = Resource(
    "PlanSection",
    {
        "id": F("integer", read_only=True),
        "position": F("integer", read_only=True, minimum=0),
        "title": F("string", read_only=True),
        "hint": F("text", read_only=True),
        "status": F("enum", read_only=True, choices=tuple(s.value for s in Status)),
        "text": F("text", read_only=True, source=_text, description="Plain text, now"),
        "html": F("text", read_only=True, source=_html, description="Safe HTML, now"),
        "version": F("integer", read_only=True),
        "updated_at": F("datetime", read_only=True),
    },
    "A section of the project plan and its text as it is now.",
)


def _version_sections(version: PlanVersion) -> list[dict]:
    out = []
    for entry in version.snapshot:
        lines = v.blocks_of(entry)
        out.append(
            {
                "section_id": entry["section"],
                "title": entry["title"],
                "status": entry["status"],
                "text": render.to_text(lines),
                "html": render.to_html(lines),
            }
        )
    return out


VERSION = Resource(
    "PlanVersion",
    {
        "id": F("integer", read_only=True),
        "name": F("string", read_only=True),
        "created_at": F("datetime", read_only=True),
        "created_by_id": F("integer", read_only=True, nullable=True),
        "sections": F(
            "list",
            read_only=True,
            source=_version_sections,
            items={"type": "object"},
            description="Each section as it was: section_id, title, status, text, html",
        ),
    },
    "A named version of the whole plan (« version soumise au Pôle », « version signée »).",
)


@endpoint(
    api_bp,
    "/sections",
    summary="Sections of the plan",
    tag="plan",
    permission="plan.view",
    response=SECTION,
    many=True,
)
def sections(project_id: int, args):
    stmt = db.select(PlanSection).filter_by(project_id=project_id)
    return page(stmt, PlanSection.id, args, SECTION)


@endpoint(
    api_bp,
    "/sections/<int:section_id>",
    summary="One section of the plan",
    tag="plan",
    permission="plan.view",
    response=SECTION,
)
def section(project_id: int, section_id: int):
    return jsonify(SECTION.dump(get_or_404(PlanSection, section_id, project_id)))


@endpoint(
    api_bp,
    "/versions",
    summary="Saved versions of the plan",
    tag="plan",
    permission="plan.view",
    response=VERSION,
    many=True,
)
def versions(project_id: int, args):
    stmt = db.select(PlanVersion).filter_by(project_id=project_id)
    return page(stmt, PlanVersion.id, args, VERSION)


@endpoint(
    api_bp,
    "/versions/<int:version_id>",
    summary="One saved version of the plan",
    tag="plan",
    permission="plan.view",
    response=VERSION,
)
def version(project_id: int, version_id: int):
    return jsonify(VERSION.dump(get_or_404(PlanVersion, version_id, project_id)))
