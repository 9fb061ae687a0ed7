"""The milestones over the project's dates as SVG geometry (rendered by a template).

Server-side and static: no JavaScript, readable by screen readers through the SVG's
<title>/<desc> and the table that follows it on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date

WIDTH = 1000
LABEL_W = 300
CHART_X = LABEL_W + 20
CHART_W = WIDTH - CHART_X - 20
ROW_H = 30
TOP = 46


@dataclass
class Row:
    milestone: object
    x: float
    y: float
    label: str
    overdue: bool


@dataclass
class Tick:
    x: float
    label: str


def _x(d: date, start: date, span: int) -> float:
    return round(CHART_X + CHART_W * (d - start).days / span, 1)


def _months(start: date, end: date) -> list[date]:
    out, d = [], date(start.year, start.month, 1)
    while d <= end:
        if d >= start:
            out.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def build_timeline(project, milestones, today: date) -> dict | None:
    """Positions of the dated milestones; None when nothing is dated."""
    dated = [m for m in milestones if m.planned_date]
    if not dated:
        return None
    dates = [m.planned_date for m in dated]
    start = min([d for d in (project.start_date, *dates) if d])
    end = max([d for d in (project.end_date, *dates) if d])
    if (end - start).days < 30:
        end = start + timedelta(days=30)
    span = (end - start).days
    months = _months(start, end)
    step = 1 if len(months) <= 14 else (3 if len(months) <= 40 else 12)
    ticks = [
        Tick(_x(d, start, span), format_date(d, "MMM yy"))
        for i, d in enumerate(months)
        if i % step == 0
    ]
    rows = [
        Row(
            m,
            _x(m.planned_date, start, span),
            TOP + i * ROW_H + ROW_H / 2,
            m.title if len(m.title) <= 42 else m.title[:40] + "…",
            m.is_overdue(today),
        )
        for i, m in enumerate(dated)
    ]
    return {
        "width": WIDTH,
        "height": TOP + len(rows) * ROW_H + 10,
        "chart_x": CHART_X,
        "chart_end": CHART_X + CHART_W,
        "top": TOP,
        "ticks": ticks,
        "rows": rows,
        "today_x": _x(today, start, span) if start <= today <= end else None,
        "start": start,
        "end": end,
        "undated": len(milestones) - len(dated),
    }
