"""Totals by funding source and by partner's contribution (the page and the dashboard card)."""

from __future__ import annotations

from decimal import Decimal

from workspace.extensions import db

from .models import FundingLine, Kind, LineStatus

ZERO = Decimal("0.00")
#: Lines that no longer bring money are left out of the totals.
DEAD = {LineStatus.REFUSED.value, LineStatus.REPAID.value}


def _row(name: str) -> dict:
    return {"name": name, "requested": ZERO, "granted": ZERO, "paid": ZERO, "spent": ZERO}


def _add(row: dict, line: FundingLine) -> None:
    row["requested"] += line.amount_requested
    row["granted"] += line.amount_granted or ZERO
    row["paid"] += line.amount_paid or ZERO
    row["spent"] += line.spent


def summary(lines: list[FundingLine]) -> dict:
    """``{"sources": [...], "partners": [...], "total": {...}}``; refused lines left out."""
    sources: dict[int, dict] = {}
    partners: dict[int, dict] = {}
    total = _row("")
    for line in lines:
        if line.status in DEAD:
            continue
        target = partners if line.kind == Kind.PARTNER.value else sources
        _add(target.setdefault(line.funder_id, _row(line.funder.name)), line)
        _add(total, line)
    key = lambda r: r["name"]  # noqa: E731
    return {
        "sources": sorted(sources.values(), key=key),
        "partners": sorted(partners.values(), key=key),
        "total": total,
    }


def widget_data(project, user) -> dict:
    lines = list(db.session.scalars(db.select(FundingLine).filter_by(project_id=project.id)))
    return {"summary": summary(lines), "count": len(lines)}
