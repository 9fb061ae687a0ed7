"""The indicators section of the funder report (hook ``report_sections``).

Per indicator: its status at the period's end, latest accepted value, target, a light print
chart of every measurement up to the period's end (``report_chart``), a one-line summary of
the period and of the history before it, the table of the period's measurements only, and
the evaluator's reviews of the period. Earlier measurements appear in the chart and the
summary, not as table rows: a two-year monthly history would otherwise add 24 rows per
indicator and dominate the PDF's layout time.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from workspace.extensions import db

from . import queries, report_chart
from . import status as st
from .models import Measurement, Review
from .values import format_value, period_label


def split_by_period(measurements: list, period: dict) -> tuple[list, list]:
    """(before the period, in the period) of ``measurements`` that end by the period's end."""
    before = [m for m in measurements if m.period_end < period["start"]]
    within = [m for m in measurements if period["start"] <= m.period_end <= period["end"]]
    return before, within


def summary(ind, before: list, within: list) -> dict:
    """Counts and the first / last values of the period and of the history before it."""

    def point(m):
        value = format_value(ind.kind, m.value, ind.unit)
        return {"value": value, "period": period_label(m.period)}

    return {
        "n_before": len(before),
        "since": period_label(before[0].period) if before else None,
        "n_within": len(within),
        "first": point(within[0]) if within else None,
        "last": point(within[-1]) if within else None,
    }


def report_sections(project, period) -> list[dict]:
    """The indicators section: summary table, then one block per indicator."""
    indicators = queries.indicators_of(project.id)
    if not indicators:
        return []
    ms = db.session.scalars(
        db.select(Measurement)
        .filter_by(project_id=project.id)
        .where(Measurement.period_end <= period["end"])
        .order_by(Measurement.period_end)
    ).all()
    reviews = db.session.scalars(
        db.select(Review).filter_by(project_id=project.id).order_by(Review.id)
    ).all()
    by_ind: dict[int, list] = {}
    for m in ms:
        by_ind.setdefault(m.indicator_id, []).append(m)
    items = []
    for ind in indicators:
        mine = by_ind.get(ind.id, [])
        accepted = [m for m in mine if m.review_status == "accepted"]
        before, within = split_by_period(mine, period)
        in_period = {m.id for m in within}
        items.append(
            {
                "indicator": ind,
                "status": st.status_of(ind, accepted[-1] if accepted else None),
                "last": accepted[-1] if accepted else None,
                "measurements": within,
                "summary": summary(ind, before, within),
                "svg": report_chart.svg(ind, mine, period),
                "reviews": [
                    r
                    for r in reviews
                    if r.indicator_id == ind.id
                    and (r.measurement_id is None or r.measurement_id in in_period)
                ],
            }
        )
    html = render_template(
        "indicators/_report_section.html",
        items=items,
        st=st,
        fmt=format_value,
        period_label=period_label,
        swatch=report_chart.swatch,
        ms_by_id={m.id: m for m in ms},
    )
    return [{"title": _("Indicateurs et évaluation"), "html": html, "order": 60}]
