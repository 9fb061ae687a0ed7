"""Checklist resources of the REST API: items (read, filter) and their status (update).

A status change goes through ``operations.set_status`` (« non applicable » needs a short
justification), exactly like the quick status menu of the page.
"""

from __future__ import annotations

from flask_login import current_user

from workspace.api.base import ApiBlueprint, refused
from workspace.api.pages import CursorArgs
from workspace.api.schemas import ApiSchema, Choice, Day, Int, Moment, Text, body_of
from workspace.models import Area

from . import operations as ops
from .models import JUSTIFICATION_MAX, LABEL_MAX, Item, Section, Status

api_bp = ApiBlueprint("checklists_api", __name__, tag="checklists")


class ChecklistItemSchema(ApiSchema):
    """A point of one of the four shared checklists."""

    id = Int(dump_only=True)
    section_id = Int(dump_only=True)
    area = Choice(Area, dump_only=True, source=lambda i: i.section.area)
    label = Text(dump_only=True, max_length=LABEL_MAX)
    status = Choice(Status, required=True)
    justification = Text(max_length=JUSTIFICATION_MAX)
    responsible_org_id = Int(dump_only=True, allow_none=True)
    responsible_id = Int(dump_only=True, allow_none=True)
    due_date = Day(dump_only=True, allow_none=True)
    milestone_id = Int(dump_only=True, allow_none=True)
    verified_at = Moment(dump_only=True, allow_none=True)
    changed_at = Moment(dump_only=True, allow_none=True)
    version = Int(dump_only=True)


class ItemFilters(CursorArgs):
    area = Choice(Area)
    status = Choice(Status)


def _area(stmt, args, **url):
    if "area" not in args:
        return stmt
    return stmt.join(Section, Section.id == Item.section_id).where(Section.area == args["area"])


api_bp.listing(
    "/items",
    Item,
    ChecklistItemSchema,
    permission="checklists.view",
    summary="Checklist items",
    endpoint="items",
    filters=ItemFilters,
    where=_area,
)
api_bp.read(
    "/items/<int:item_id>",
    Item,
    ChecklistItemSchema,
    permission="checklists.view",
    summary="One checklist item",
    endpoint="get_item",
)


@api_bp.update(
    "/items/<int:item_id>",
    Item,
    ChecklistItemSchema,
    permission="checklists.edit",
    body=body_of(ChecklistItemSchema, "Update"),
)
def update_item(data, current: Item):
    """Change an item's status (non_applicable needs a justification)"""
    with refused(ops.ChecklistError, field="justification"):
        ops.set_status(current, current_user, data["status"], data.get("justification", ""))
