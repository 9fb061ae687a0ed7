"""Funding resources of the REST API: funding lines (with the start-up aid rules) and expenses.

Lines are checked by the same rules as the pages (``operations.create_line`` /
``update_line`` → ``rules.check_line``); a broken rule answers 400 with a message per field.
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.base import ApiBlueprint, get_or_404, invalid
from workspace.api.crud import children_of
from workspace.api.errors import ApiError
from workspace.api.pages import CursorArgs
from workspace.api.schemas import Amount, ApiSchema, Choice, Day, Int, Moment, Text
from workspace.extensions import db
from workspace.models import Organisation

from . import operations as ops
from .models import NAME_MAX, FundingExpense, FundingLine, Kind, LineStatus, Purpose

api_bp = ApiBlueprint("funding_api", __name__, tag="funding")


class FundingLineSchema(ApiSchema):
    """A funding line: a grant, an aid or a partner's contribution, and its status."""

    id = Int(dump_only=True)
    funder_id = Int(required=True, description="The funding organisation")
    kind = Choice(Kind, required=True)
    status = Choice(LineStatus, required=True)
    purpose_category = Choice(Purpose)
    purpose = Text(max_length=5000)
    amount_requested = Amount(required=True)
    amount_granted = Amount(allow_none=True)
    amount_paid = Amount(allow_none=True)
    requested_on = Day(allow_none=True)
    decided_on = Day(allow_none=True)
    paid_on = Day(allow_none=True)
    version = Int(dump_only=True)
    created_at = Moment(dump_only=True)
    updated_at = Moment(dump_only=True)


class FundingExpenseSchema(ApiSchema):
    """An expense paid with a funding line."""

    id = Int(dump_only=True)
    line_id = Int(dump_only=True)
    spent_on = Day(required=True)
    supplier = Text(required=True, max_length=NAME_MAX)
    description = Text(max_length=500)
    amount = Amount(required=True)
    created_at = Moment(dump_only=True)


class LineFilters(CursorArgs):
    status = Choice(LineStatus)
    kind = Choice(Kind)


@contextmanager
def refused_rules():
    """A broken funding rule as a 400 with a message per field (nothing kept)."""
    try:
        yield
    except ops.RuleBroken as exc:
        db.session.rollback()
        errors = exc.errors if isinstance(exc.errors, dict) else {}
        message = _("Certaines informations sont invalides.") if errors else str(exc)
        raise ApiError(400, message, {k: str(v) for k, v in errors.items()}) from None


def _check_funder(data: dict) -> None:
    if "funder_id" in data and db.session.get(Organisation, data["funder_id"]) is None:
        invalid({"funder_id": _("Organisation inconnue.")})


api_bp.listing(
    "/lines",
    FundingLine,
    FundingLineSchema,
    permission="funding.view",
    summary="Funding lines",
    endpoint="lines",
    filters=LineFilters,
)
api_bp.read(
    "/lines/<int:line_id>",
    FundingLine,
    FundingLineSchema,
    permission="funding.view",
    summary="One funding line",
    endpoint="line",
)


@api_bp.create("/lines", FundingLineSchema, permission="funding.edit")
def create_line(data, project_id: int):
    """Add a funding line (start-up aid rules apply)"""
    _check_funder(data)
    with refused_rules():
        return ops.create_line(g.project, current_user, **data)


@api_bp.update("/lines/<int:line_id>", FundingLine, FundingLineSchema, permission="funding.edit")
def update_line(data, current: FundingLine):
    """Edit a funding line or change its status"""
    _check_funder(data)
    values = {name: getattr(current, name) for name in ops.LINE_FIELDS}
    values.update(data)
    with refused_rules():
        ops.update_line(current, current_user, **values)


api_bp.listing(
    "/lines/<int:line_id>/expenses",
    FundingExpense,
    FundingExpenseSchema,
    permission="funding.view",
    summary="Expenses of a funding line",
    endpoint="expenses",
    where=children_of(FundingLine, "line_id", FundingExpense.line_id),
)


@api_bp.create("/lines/<int:line_id>/expenses", FundingExpenseSchema, permission="funding.edit")
def create_expense(data, project_id: int, line_id: int):
    """Record an expense"""
    current = get_or_404(FundingLine, line_id, project_id)
    with refused_rules():
        return ops.add_expense(
            current,
            current_user,
            spent_on=data["spent_on"],
            supplier=data["supplier"],
            description=data.get("description", ""),
            amount=data["amount"],
        )


@api_bp.operation(
    "/lines/<int:line_id>/expenses/<int:expense_id>",
    "DELETE",
    permission="funding.edit",
    status=204,
)
def delete_expense(project_id: int, line_id: int, expense_id: int):
    """Delete an expense"""
    current = get_or_404(FundingLine, line_id, project_id)
    expense = db.session.get(FundingExpense, expense_id)
    if expense is None or expense.line_id != current.id:
        raise ApiError(404)
    ops.delete_expense(current, current_user, expense)
    db.session.commit()
