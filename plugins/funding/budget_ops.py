"""Budget operations: planned costs and the partners' cost-sharing keys (add up to 100 %).

Mutate, flush, publish (``funding:budget`` / ``funding:keys``, key ``funding-budget``); views
check permissions and commit.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from workspace.extensions import db
from workspace.web.formats import money

from . import rules
from .models import FundingBudgetItem, FundingShareKey
from .operations import _publish


def add_budget_item(project, actor, *, category, label, amount, partner_id=None):
    item = FundingBudgetItem(
        project_id=project.id,
        category=category,
        label=label.strip(),
        amount=amount,
        partner_id=partner_id,
    )
    db.session.add(item)
    db.session.flush()
    _publish(
        "budget",
        project,
        actor,
        _l("a ajouté « %(l)s » (%(a)s) au budget", l=item.label, a=money(amount)),
        keys=["funding-budget"],
    )
    return item


def delete_budget_item(project, actor, item: FundingBudgetItem) -> None:
    label = item.label
    db.session.delete(item)
    db.session.flush()
    _publish(
        "budget",
        project,
        actor,
        _l("a retiré « %(l)s » du budget", l=label),
        keys=["funding-budget"],
    )


def set_share_keys(project, actor, percents: dict[int, Decimal]) -> None:
    """Replace the cost-sharing keys; they must add up to exactly 100 %."""
    rules.check_keys(list(percents.values()))
    existing = {
        k.organisation_id: k
        for k in db.session.scalars(db.select(FundingShareKey).filter_by(project_id=project.id))
    }
    for org_id, pct in percents.items():
        key = existing.pop(org_id, None)
        if key is None:
            db.session.add(
                FundingShareKey(project_id=project.id, organisation_id=org_id, percent=pct)
            )
        else:
            key.percent = pct
    for stale in existing.values():
        db.session.delete(stale)
    db.session.flush()
    _publish(
        "keys",
        project,
        actor,
        _l("a modifié les clés de répartition des coûts"),
        keys=["funding-budget"],
    )
