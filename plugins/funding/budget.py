"""The project budget: planned costs by category and partner, cost-sharing keys, shares."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workspace.extensions import db
from workspace.permissions import requires
from workspace.web.feedback import toast

from . import budget_ops, rules
from .forms import BudgetItemForm
from .models import BudgetCategory, FundingBudgetItem, FundingShareKey
from .views import bp

ZERO = Decimal("0.00")


def _partner_choices(form: BudgetItemForm, project) -> None:
    form.partner_id.choices = [(0, _("Coût partagé (selon les clés)"))] + [
        (o.id, o.name) for o in project.partners
    ]


def budget_context(project) -> dict:
    items = list(
        db.session.scalars(
            db.select(FundingBudgetItem)
            .filter_by(project_id=project.id)
            .order_by(FundingBudgetItem.category, FundingBudgetItem.id)
        )
    )
    keys = list(db.session.scalars(db.select(FundingShareKey).filter_by(project_id=project.id)))
    by_category: dict[str, Decimal] = {}
    for item in items:
        by_category[item.category] = by_category.get(item.category, ZERO) + item.amount
    shared = sum((i.amount for i in items if i.partner_id is None), ZERO)
    shares = rules.split(shared, [(k.organisation_id, k.percent) for k in keys])
    percent = {k.organisation_id: k.percent for k in keys}
    partners = []
    for org in project.partners:
        direct = sum((i.amount for i in items if i.partner_id == org.id), ZERO)
        share = shares.get(org.id, ZERO)
        partners.append(
            {
                "org": org,
                "percent": percent.get(org.id),
                "direct": direct,
                "share": share,
                "total": direct + share,
            }
        )
    return {
        "project": project,
        "items": items,
        "by_category": by_category,
        "shared": shared,
        "total": sum((i.amount for i in items), ZERO),
        "partners": partners,
        "keys_total": sum(percent.values(), ZERO),
        "cat_label": lambda c: BudgetCategory(c).label,
    }


def _page(form=None, status: int = 200, key_error=None, typed=None):
    if form is None:
        form = BudgetItemForm(formdata=None)
    _partner_choices(form, g.project)
    ctx = budget_context(g.project)
    return render_template(
        "funding/budget.html", form=form, key_error=key_error, typed=typed or {}, **ctx
    ), status


@bp.route("/budget")
@requires("funding.view")
def budget(project_id: int):
    return _page()


@bp.route("/budget/items", methods=["POST"])
@requires("funding.edit")
def add_budget_item(project_id: int):
    form = BudgetItemForm()
    _partner_choices(form, g.project)
    if not form.validate_on_submit():
        return _page(form, 400)
    budget_ops.add_budget_item(
        g.project,
        current_user,
        category=form.category.data,
        label=form.label.data,
        amount=form.amount.data,
        partner_id=form.partner_id.data or None,
    )
    db.session.commit()
    toast(_("Poste de budget ajouté."))
    return redirect(url_for(".budget", project_id=project_id))


@bp.route("/budget/items/<int:item_id>/delete", methods=["POST"])
@requires("funding.edit")
def delete_budget_item(project_id: int, item_id: int):
    item = db.session.get(FundingBudgetItem, item_id)
    if item is None or item.project_id != project_id:
        abort(404)
    budget_ops.delete_budget_item(g.project, current_user, item)
    db.session.commit()
    toast(_("Poste de budget retiré."))
    return redirect(url_for(".budget", project_id=project_id))


@bp.route("/budget/keys", methods=["POST"])
@requires("funding.edit")
def share_keys(project_id: int):
    """One percentage per partner organisation; they must add up to exactly 100 (else 400)."""
    percents, typed = {}, {}
    try:
        for org in g.project.partners:
            raw = request.form.get(f"key-{org.id}", "")
            typed[org.id] = raw[:20]
            percents[org.id] = rules.parse_percent(raw or "0")
        budget_ops.set_share_keys(g.project, current_user, percents)
    except ValueError as exc:
        db.session.rollback()
        return _page(status=400, key_error=str(exc), typed=typed)
    db.session.commit()
    toast(_("Clés de répartition enregistrées."))
    return redirect(url_for(".budget", project_id=project_id) + "#keys")
