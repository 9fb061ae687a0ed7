"""Checklist resources of the REST API: items (read, filter) and their status (update).

A status change goes through ``operations.set_status`` (« non applicable » needs a short
justification), exactly like the quick status menu of the page.
"""

from __future__ import annotations

from flask_login import current_user

from workspace.api.base import ApiBlueprint, get_or_404, refused
from workspace.api.pages import CursorArgs, page
from workspace.api.schemas import ApiSchema, Choice, Day, Int, Moment, Text, body_of
from workspace.extensions import db
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


@api_bp.operation(
    "/items",
    permission="checklists.view",
    response=ChecklistItemSchema,
    many=True,
    query=ItemFilters,
)
def items(args, project_id: int):
    """Checklist items"""
    stmt = db.select(Item).filter_by(project_id=project_id)
    if "area" in args:
        stmt = stmt.join(Section, Section.id == Item.section_id).where(Section.area == args["area"])
    if "status" in args:
        stmt = stmt.where(Item.status == args["status"])
    return page(stmt, Item.id, args)


@api_bp.operation(
    "/items/<int:item_id>",
    permission="checklists.view",
    response=ChecklistItemSchema,
)
def get_item(project_id: int, item_id: int):
    """One checklist item"""
    return get_or_404(Item, item_id, project_id)


@api_bp.operation(
    "/items/<int:item_id>",
    "PATCH",
    permission="checklists.edit",
    body=body_of(ChecklistItemSchema, "Update"),
    response=ChecklistItemSchema,
)
def update_item(data, project_id: int, item_id: int):
    """Change an item's status (non_applicable needs a justification)"""
    current = get_or_404(Item, item_id, project_id)
    api_bp.check_etag(current, ChecklistItemSchema)
    with refused(ops.ChecklistError, field="justification"):
        ops.set_status(current, current_user, data["status"], data.get("justification", ""))
    db.session.commit()
    return current
