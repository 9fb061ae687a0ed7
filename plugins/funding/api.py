"""Funding resources of the REST API: funding lines (with the start-up aid rules) and expenses.

Lines are checked by the same rules as the pages (``operations.create_line`` /
``update_line`` → ``rules.check_line``); a broken rule answers 400 with a message per field.
"""

from __future__ import annotations

from flask import Blueprint, g
from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.core import check_if_match, endpoint, get_or_404, item, no_content, page
from workspace.api.errors import ApiError
from workspace.api.fields import F, Resource
from workspace.extensions import db
from workspace.models import Organisation

from . import operations as ops
from .models import NAME_MAX, FundingExpense, FundingLine, Kind, LineStatus, Purpose

api_bp = Blueprint("funding_api", __name__)

LINE = Resource(
    "FundingLine",
    {
        "id": F("integer", read_only=True),
        "funder_id": F("integer", required=True, description="The funding organisation"),
        "kind": F("enum", required=True, choices=tuple(k.value for k in Kind)),
        "status": F("enum", required=True, choices=tuple(s.value for s in LineStatus)),
        "purpose_category": F("enum", choices=tuple(p.value for p in Purpose)),
        "purpose": F("text", max_length=5000),
        "amount_requested": F("money", required=True),
        "amount_granted": F("money", nullable=True),
        "amount_paid": F("money", nullable=True),
        "requested_on": F("date", nullable=True),
        "decided_on": F("date", nullable=True),
        "paid_on": F("date", nullable=True),
        "version": F("integer", read_only=True),
        "created_at": F("datetime", read_only=True),
        "updated_at": F("datetime", read_only=True),
    },
    "A funding line: a grant, an aid or a partner's contribution, and its status.",
)

EXPENSE = Resource(
    "FundingExpense",
    {
        "id": F("integer", read_only=True),
        "line_id": F("integer", read_only=True),
        "spent_on": F("date", required=True),
        "supplier": F("string", required=True, max_length=NAME_MAX),
        "description": F("string", max_length=500),
        "amount": F("money", required=True),
        "created_at": F("datetime", read_only=True),
    },
    "An expense paid with a funding line.",
)


def _rule_errors(exc: ops.RuleBroken):
    db.session.rollback()
    errors = exc.errors if isinstance(exc.errors, dict) else {}
    message = _("Certaines informations sont invalides.") if errors else str(exc)
    raise ApiError(400, message, {k: str(v) for k, v in errors.items()}) from None


def _check_funder(data: dict) -> None:
    if "funder_id" in data and db.session.get(Organisation, data["funder_id"]) is None:
        raise ApiError(
            400,
            _("Certaines informations sont invalides."),
            {"funder_id": _("Organisation inconnue.")},
        )


@endpoint(
    api_bp,
    "/lines",
    summary="Funding lines",
    tag="funding",
    permission="funding.view",
    response=LINE,
    many=True,
    query={"status": LINE.fields["status"], "kind": LINE.fields["kind"]},
)
def lines(project_id: int, args):
    stmt = db.select(FundingLine).filter_by(project_id=project_id)
    for name in ("status", "kind"):
        if name in args:
            stmt = stmt.where(getattr(FundingLine, name) == args[name])
    return page(stmt, FundingLine.id, args, LINE)


@endpoint(
    api_bp,
    "/lines/<int:line_id>",
    summary="One funding line",
    tag="funding",
    permission="funding.view",
    response=LINE,
)
def line(project_id: int, line_id: int):
    return item(get_or_404(FundingLine, line_id, project_id), LINE)


@endpoint(
    api_bp,
    "/lines",
    "POST",
    summary="Add a funding line (start-up aid rules apply)",
    tag="funding",
    permission="funding.edit",
    body=LINE,
    response=LINE,
    status=201,
    name="create_line",
)
def create_line(project_id: int, data):
    _check_funder(data)
    try:
        new = ops.create_line(g.project, current_user, **data)
    except ops.RuleBroken as exc:
        _rule_errors(exc)
    db.session.commit()
    return item(new, LINE, 201)


@endpoint(
    api_bp,
    "/lines/<int:line_id>",
    "PATCH",
    summary="Edit a funding line or change its status",
    tag="funding",
    permission="funding.edit",
    body=LINE,
    partial=True,
    response=LINE,
    if_match=True,
    name="update_line",
)
def update_line(project_id: int, line_id: int, data):
    current = get_or_404(FundingLine, line_id, project_id)
    check_if_match(current, LINE)
    _check_funder(data)
    values = {name: getattr(current, name) for name in ops.LINE_FIELDS}
    values.update(data)
    try:
        ops.update_line(current, current_user, **values)
    except ops.RuleBroken as exc:
        _rule_errors(exc)
    db.session.commit()
    return item(current, LINE)


@endpoint(
    api_bp,
    "/lines/<int:line_id>/expenses",
    summary="Expenses of a funding line",
    tag="funding",
    permission="funding.view",
    response=EXPENSE,
    many=True,
)
def expenses(project_id: int, line_id: int, args):
    get_or_404(FundingLine, line_id, project_id)
    stmt = db.select(FundingExpense).filter_by(line_id=line_id)
    return page(stmt, FundingExpense.id, args, EXPENSE)


@endpoint(
    api_bp,
    "/lines/<int:line_id>/expenses",
    "POST",
    summary="Record an expense",
    tag="funding",
    permission="funding.edit",
    body=EXPENSE,
    response=EXPENSE,
    status=201,
    name="create_expense",
)
def create_expense(project_id: int, line_id: int, data):
    current = get_or_404(FundingLine, line_id, project_id)
    try:
        expense = ops.add_expense(
            current,
            current_user,
            spent_on=data["spent_on"],
            supplier=data["supplier"],
            description=data.get("description", ""),
            amount=data["amount"],
        )
    except ops.RuleBroken as exc:
        _rule_errors(exc)
    db.session.commit()
    return item(expense, EXPENSE, 201)


@endpoint(
    api_bp,
    "/lines/<int:line_id>/expenses/<int:expense_id>",
    "DELETE",
    summary="Delete an expense",
    tag="funding",
    permission="funding.edit",
    status=204,
    name="delete_expense",
)
def delete_expense(project_id: int, line_id: int, expense_id: int):
    current = get_or_404(FundingLine, line_id, project_id)
    expense = db.session.get(FundingExpense, expense_id)
    if expense is None or expense.line_id != current.id:
        raise ApiError(404)
    ops.delete_expense(current, current_user, expense)
    db.session.commit()
    return no_content()
