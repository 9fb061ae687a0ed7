"""Plan resources of the REST API (read): the sections with their text as it is now (plain
and HTML, the same safe HTML as the pages), and the saved versions with their text.

The text is written in the browser's co-editor only (a CRDT over Socket.IO); the API reads it.
"""

from __future__ import annotations

import marshmallow as ma

from workspace.api.base import ApiBlueprint
from workspace.api.schemas import ApiSchema, Choice, Int, Listing, Moment, Text
from workspace.cache.memo import per_request

from . import crdt, render
from . import versions as v
from .models import PlanSection, PlanVersion, Status

api_bp = ApiBlueprint("plan_api", __name__, tag="plan")


@per_request
def _blocks(section_id: int) -> list[render.Block]:
    """A section's lines, read once per request for both its text and its HTML."""
    return crdt.current_blocks(section_id)


def _text(section: PlanSection) -> str:
    return render.to_text(_blocks(section.id))


def _html(section: PlanSection) -> str:
    return render.to_html(_blocks(section.id))


class PlanSectionSchema(ApiSchema):
    """A section of the project plan and its text as it is now."""

    id = Int(dump_only=True)
    position = Int(dump_only=True, minimum=0)
    title = Text(dump_only=True)
    hint = Text(dump_only=True)
    status = Choice(Status, dump_only=True)
    text = Text(dump_only=True, source=_text, description="Plain text, now")
    html = Text(dump_only=True, source=_html, description="Safe HTML, now")
    version = Int(dump_only=True)
    updated_at = Moment(dump_only=True)


class PlanVersionSectionSchema(ApiSchema):
    """A section as it was in a saved version."""

    section_id = Int(dump_only=True)
    title = Text(dump_only=True)
    status = Choice(Status, dump_only=True)
    text = Text(dump_only=True)
    html = Text(dump_only=True)


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


class PlanVersionSchema(ApiSchema):
    """A named version of the whole plan (« version soumise au Pôle », « version signée »)."""

    id = Int(dump_only=True)
    name = Text(dump_only=True)
    created_at = Moment(dump_only=True)
    created_by_id = Int(dump_only=True, allow_none=True)
    sections = Listing(
        ma.fields.Nested(PlanVersionSectionSchema),
        dump_only=True,
        source=_version_sections,
        description="Each section as it was",
    )


api_bp.listing(
    "/sections",
    PlanSection,
    PlanSectionSchema,
    permission="plan.view",
    summary="Sections of the plan",
    endpoint="sections",
)
api_bp.read(
    "/sections/<int:section_id>",
    PlanSection,
    PlanSectionSchema,
    permission="plan.view",
    summary="One section of the plan",
    endpoint="section",
)
api_bp.listing(
    "/versions",
    PlanVersion,
    PlanVersionSchema,
    permission="plan.view",
    summary="Saved versions of the plan",
    endpoint="versions",
)
api_bp.read(
    "/versions/<int:version_id>",
    PlanVersion,
    PlanVersionSchema,
    permission="plan.view",
    summary="One saved version of the plan",
    endpoint="version",
)
