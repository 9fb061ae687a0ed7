"""Checklist resources of the REST API: items (read, filter) and their status (update).

A status change goes through ``operations.set_status`` (« non applicable » needs a short
justification), exactly like the quick status menu of the page.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.core import check_if_match, endpoint, get_or_404, item, page
from workspace.api.errors import ApiError
from workspace.api.fields import F, Resource
from workspace.extensions import db
from workspace.models import Area

from . import operations as ops
from .models import JUSTIFICATION_MAX, LABEL_MAX, Item, Section, Status

api_bp = Blueprint("checklists_api", __name__)

ITEM = Resource(
    "ChecklistItem",
    {
        "id": F("integer", read_only=True),
        "section_id": F("integer", read_only=True),
        "area": F(
            "enum",
            read_only=True,
            choices=tuple(a.value for a in Area),
            source=lambda i: i.section.area,
        ),
        "label": F("string", read_only=True, max_length=LABEL_MAX),
        "status": F("enum", required=True, choices=tuple(s.value for s in Status)),
        "justification": F("string", max_length=JUSTIFICATION_MAX),
        "responsible_org_id": F("integer", read_only=True, nullable=True),
        "responsible_id": F("integer", read_only=True, nullable=True),
        "due_date": F("date", read_only=True, nullable=True),
        "milestone_id": F("integer", read_only=True, nullable=True),
        "verified_at": F("datetime", read_only=True, nullable=True),
        "changed_at": F("datetime", read_only=True, nullable=True),
        "version": F("integer", read_only=True),
    },
    "A point of one of the four shared checklists.",
)

FILTERS = {"area": ITEM.fields["area"], "status": ITEM.fields["status"]}


@endpoint(
    api_bp,
    "/items",
    summary="Checklist items",
    tag="checklists",
    permission="checklists.view",
    response=ITEM,
    many=True,
    query=FILTERS,
)
def items(project_id: int, args):
    stmt = db.select(Item).filter_by(project_id=project_id)
    if "area" in args:
        stmt = stmt.join(Section, Section.id == Item.section_id).where(Section.area == args["area"])
    if "status" in args:
        stmt = stmt.where(Item.status == args["status"])
    return page(stmt, Item.id, args, ITEM)


@endpoint(
    api_bp,
    "/items/<int:item_id>",
    summary="One checklist item",
    tag="checklists",
    permission="checklists.view",
    response=ITEM,
)
def get_item(project_id: int, item_id: int):
    return item(get_or_404(Item, item_id, project_id), ITEM)


@endpoint(
    api_bp,
    "/items/<int:item_id>",
    "PATCH",
    summary="Change an item's status (non_applicable needs a justification)",
    tag="checklists",
    permission="checklists.edit",
    body=ITEM,
    response=ITEM,
    if_match=True,
    name="update_item",
)
def update_item(project_id: int, item_id: int, data):
    current = get_or_404(Item, item_id, project_id)
    check_if_match(current, ITEM)
    try:
        ops.set_status(current, current_user, data["status"], data.get("justification", ""))
    except ops.ChecklistError as exc:
        db.session.rollback()
        raise ApiError(
            400, _("Certaines informations sont invalides."), {"justification": str(exc)}
        ) from None
    db.session.commit()
    return item(current, ITEM)
