"""Read side: indicators with their status in a bounded number of queries (dashboard, lists)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask import url_for
from sqlalchemy import func

from workspace.cache.memo import per_request
from workspace.extensions import db

from . import status as st
from .models import Decision, Frequency, Indicator, Measurement, Review
from .values import period_label, periods_between

#: Days after the end of a period by which its measurement is due.
GRACE_DAYS = 30
#: How far ahead the calendar shows the measurements to come.
HORIZON_DAYS = 120


@dataclass
class Last:
    value: Decimal
    period: str
    period_end: date


@dataclass
class Row:
    indicator: Indicator
    status: str
    last: Last | None
    count: int = 0
    open_questions: int = 0
    to_review: int = 0
    periods: set = field(default_factory=set)
    trend: list = field(default_factory=list)  # (period, value) of the measurements not rejected

    @property
    def label(self) -> str:
        return str(st.LABELS[self.status])


def indicators_of(project_id: int) -> list[Indicator]:
    return _indicators_of([project_id])


def _indicators_of(project_ids: list[int]) -> list[Indicator]:
    return list(
        db.session.scalars(
            db.select(Indicator)
            .where(Indicator.project_id.in_(project_ids))
            .order_by(Indicator.area, Indicator.position, Indicator.name)
        )
    )


@per_request
def rows(project_id: int) -> list[Row]:
    """Each indicator with its status, last accepted value and review counts (2 queries).

    Computed once per request (the dashboard's cards and the calendar share it): callers
    must not change the list."""
    return rows_by_project((project_id,))[project_id]


def rows_by_project(project_ids) -> dict[int, list[Row]]:
    """:func:`rows` of many projects at once, in the same 2 queries (the portfolio)."""
    ids = list(project_ids)
    out: dict[int, list[Row]] = {pid: [] for pid in ids}
    if not ids:
        return out
    indicators = _indicators_of(ids)
    accepted: dict[int, Last] = {}
    stats: dict[int, dict] = {}
    periods: dict[int, set] = {}
    trends: dict[int, list] = {}
    q = db.select(
        Measurement.indicator_id,
        Measurement.period,
        Measurement.period_end,
        Measurement.value,
        Measurement.review_status,
    ).where(Measurement.project_id.in_(ids))
    for ind_id, period, end, value, review in db.session.execute(
        q.order_by(Measurement.period_end)
    ):
        s = stats.setdefault(ind_id, {"count": 0, "questioned": 0, "pending": 0})
        s["count"] += 1
        s["questioned"] += review == Decision.QUESTIONED
        s["pending"] += review == Decision.PENDING
        periods.setdefault(ind_id, set()).add(period)
        if review != Decision.REJECTED:
            trends.setdefault(ind_id, []).append((period, value))
        if review == Decision.ACCEPTED:
            accepted[ind_id] = Last(value, period, end)
    for ind in indicators:
        last = accepted.get(ind.id)
        s = stats.get(ind.id, {})
        out[ind.project_id].append(
            Row(
                ind,
                _status(ind, last),
                last,
                s.get("count", 0),
                s.get("questioned", 0),
                s.get("pending", 0),
                periods.get(ind.id, set()),
                trends.get(ind.id, []),
            )
        )
    return out


def _status(ind: Indicator, last: Last | None) -> str:
    if ind.status_override:
        return ind.status_override
    if last is None:
        return st.UNKNOWN
    return st.compute(st.path_of(ind), last.value, last.period_end)


def counts(rows_: list[Row]) -> dict[str, int]:
    out = dict.fromkeys(st.ORDER, 0)
    for r in rows_:
        out[r.status] += 1
    return out


def due_items(project, rows_: list[Row], today: date | None = None) -> list[dict]:
    """Measurements due (period ended, none entered yet): the reporting calendar's entries.

    Covers the periods from the baseline to the target date, and up to the next period ending
    after today, so the calendar shows what comes next as well as what is late.
    """
    today = today or date.today()
    items = [_item(project, ind, period, due, today) for ind, period, due in _missing(rows_, today)]
    return sorted(items, key=lambda i: i["date"])


def late_count(rows_: list[Row], today: date) -> int:
    """How many of :func:`due_items` are late (the portfolio counts them for many projects:
    no item, no URL built)."""
    return sum(due < today for _ind, _period, due in _missing(rows_, today))


def _missing(rows_: list[Row], today: date):
    """``(indicator, period, due date)`` of every measurement due and not entered."""
    horizon = today + timedelta(days=HORIZON_DAYS)
    grace = timedelta(days=GRACE_DAYS)
    for r in rows_:
        ind = r.indicator
        if ind.frequency == Frequency.ONCE:
            if not r.periods:
                yield ind, ind.target_date.isoformat(), ind.target_date + grace
            continue
        end = min(ind.target_date, horizon)
        for period, last_day in periods_between(ind.frequency, ind.baseline_date, end):
            if last_day <= ind.baseline_date or period in r.periods:
                continue
            yield ind, period, last_day + grace


def _item(project, ind: Indicator, period: str, due: date, today: date) -> dict:
    return {
        "date": due,
        "kind": "measurement",
        "title": f"{ind.name} — {period_label(period)}",
        "url": url_for("indicators.detail", project_id=project.id, indicator_id=ind.id),
        "overdue": due < today,
        "period": period,
    }


def open_question_reviews(project_id: int) -> list[Review]:
    """Questioned reviews whose measurement (or indicator) is still questioned."""
    return list(
        db.session.scalars(
            db.select(Review)
            .filter_by(project_id=project_id, decision=Decision.QUESTIONED.value)
            .join(Measurement, Measurement.id == Review.measurement_id)
            .where(Measurement.review_status == Decision.QUESTIONED.value)
            .order_by(Review.created_at)
        )
    )


def measurements_of(indicator: Indicator) -> list[Measurement]:
    return list(
        db.session.scalars(
            db.select(Measurement)
            .filter_by(indicator_id=indicator.id)
            .order_by(Measurement.period_end)
        )
    )


def reviews_by_measurement(indicator: Indicator) -> tuple[dict[int, list[Review]], list[Review]]:
    """The reviews of an indicator, grouped: per measurement, and those on the indicator."""
    per: dict[int, list[Review]] = {}
    own: list[Review] = []
    for r in db.session.scalars(
        db.select(Review).filter_by(indicator_id=indicator.id).order_by(Review.id)
    ):
        (per.setdefault(r.measurement_id, []) if r.measurement_id else own).append(r)
    return per, own


def measurement_count(project_id: int) -> int:
    return db.session.scalar(db.select(func.count(Measurement.id)).filter_by(project_id=project_id))
