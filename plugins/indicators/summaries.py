"""Each indicator's status, late measurements and open questions for many projects at once
(the portfolio, its weekly point), in 4 queries that never read every measurement.

:func:`queries.rows` reads all the measurements of a project for its pages (trend, review
counts); here SQL counts and picks the last accepted value instead. The rules are the same —
``tests/plugins/indicators/test_summaries.py`` checks both give the same answers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import case, func

from workspace.extensions import db

from . import status as st
from .models import Decision, Frequency, Indicator, IntermediateTarget, Measurement
from .queries import GRACE_DAYS, HORIZON_DAYS
from .values import periods_between


@dataclass
class Summary:
    status: str
    late: int = 0  # measurements due more than GRACE_DAYS ago and not entered
    open_questions: int = 0


def summaries_by_project(project_ids, today: date) -> dict[int, list[Summary]]:
    ids = list(project_ids)
    out: dict[int, list[Summary]] = {pid: [] for pid in ids}
    if not ids:
        return out
    cutoff = today - timedelta(days=GRACE_DAYS)
    indicators = db.session.execute(
        db.select(
            *(getattr(Indicator, c) for c in ("id", "project_id", "kind", "direction")),
            *(getattr(Indicator, c) for c in ("baseline_value", "baseline_date", "target_value")),
            *(getattr(Indicator, c) for c in ("target_max", "target_date", "frequency")),
            Indicator.status_override,
        )
        .where(Indicator.project_id.in_(ids))
        .order_by(Indicator.area, Indicator.position, Indicator.name)
    ).all()
    steps = _steps(ids)
    counts = _counts(ids, cutoff)
    last = _last_accepted(ids)
    for ind in indicators:
        questioned, entered_late_range, total = counts.get(ind.id, (0, 0, 0))
        status = ind.status_override or _computed(ind, steps.get(ind.id, []), last.get(ind.id))
        if ind.frequency == Frequency.ONCE:
            late = int(total == 0 and ind.target_date < cutoff)
        else:
            end = min(ind.target_date, today + timedelta(days=HORIZON_DAYS))
            grid = _grid_count(ind.frequency, ind.baseline_date, end, cutoff)
            late = max(0, grid - entered_late_range)
        out[ind.project_id].append(Summary(status, late, questioned))
    return out


def _computed(ind, steps: list, last) -> str:
    if last is None:
        return st.UNKNOWN
    path = st.path_of(SimpleNamespace(**ind._mapping, targets=steps))
    return st.compute(path, last.value, last.period_end)


def _steps(ids: list[int]) -> dict[int, list]:
    steps: dict[int, list] = {}
    target = IntermediateTarget
    for row in db.session.execute(
        db.select(target.indicator_id, target.target_date, target.value)
        .join(Indicator, Indicator.id == target.indicator_id)
        .where(Indicator.project_id.in_(ids))
        .order_by(target.target_date)
    ):
        steps.setdefault(row.indicator_id, []).append(row)
    return steps


def _counts(ids: list[int], cutoff: date) -> dict[int, tuple[int, int, int]]:
    """Per indicator: measurements questioned, periods of its grid entered that could be late
    (after the baseline, by the target, ended before ``cutoff``), all measurements."""
    end, label = Measurement.period_end, Measurement.period
    in_late_range = (end > Indicator.baseline_date) & (end <= Indicator.target_date)
    # A period of another grid (the frequency changed since) fills no period of this one.
    on_grid = (
        ((Indicator.frequency == Frequency.MONTHLY.value) & ~label.contains("T"))
        | ((Indicator.frequency == Frequency.QUARTERLY.value) & label.contains("T"))
        | ((Indicator.frequency == Frequency.YEARLY.value) & (func.length(label) == 4))
    )
    rows = db.session.execute(
        db.select(
            Measurement.indicator_id,
            func.sum(case((Measurement.review_status == Decision.QUESTIONED.value, 1), else_=0)),
            func.sum(case((in_late_range & on_grid & (end < cutoff), 1), else_=0)),
            func.count(Measurement.id),
        )
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .where(Measurement.project_id.in_(ids))
        .group_by(Measurement.indicator_id)
    )
    return {ind_id: (int(q or 0), int(e or 0), int(n)) for ind_id, q, e, n in rows}


def _last_accepted(ids: list[int]) -> dict[int, object]:
    ranked = (
        db.select(
            Measurement.indicator_id,
            Measurement.value,
            Measurement.period_end,
            func.row_number()
            .over(partition_by=Measurement.indicator_id, order_by=Measurement.period_end.desc())
            .label("rank"),
        )
        .where(
            Measurement.project_id.in_(ids),
            Measurement.review_status == Decision.ACCEPTED.value,
        )
        .subquery()
    )
    rows = db.session.execute(db.select(ranked).where(ranked.c.rank == 1))
    return {row.indicator_id: row for row in rows}


@functools.lru_cache(maxsize=4096)
def _grid_count(frequency: str, baseline: date, end: date, cutoff: date) -> int:
    """Periods of the grid after the baseline, by ``end``, ended before ``cutoff``."""
    return sum(baseline < last < cutoff for _p, last in periods_between(frequency, baseline, end))
