"""Chart data (Chart.js in the page) and the matching data table (the report's print chart is
in report_chart.py)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from . import status as st
from .values import format_value, period_label

ORG_COLORS = ["#7a4f9a", "#b5652b", "#2f7d6d", "#2b5d9b", "#8a6d1f", "#9b2b4a"]


def _f(value) -> float | None:
    return None if value is None else float(value)


def chart_data(ind, measurements, orgs) -> dict:
    """Labels and series: values, baseline, target path and per-organisation values."""
    path = st.path_of(ind)
    labels = [period_label(m.period) for m in measurements]
    series = [
        {
            "label": _("Valeur mesurée"),
            "data": [_f(m.value) for m in measurements],
            "color": "#1f5f8b",
            "kind": "value",
        },
        {
            "label": _("Référence"),
            "data": [_f(ind.baseline_value)] * len(measurements),
            "color": "#5a6877",
            "kind": "baseline",
        },
        {
            "label": _("Trajectoire cible"),
            "data": [_f(path.expected(m.period_end)) for m in measurements],
            "color": "#1e7a46",
            "kind": "target",
        },
    ]
    for i, org in enumerate(orgs):
        by_org = [{v.organisation_id: v.value for v in m.values}.get(org.id) for m in measurements]
        series.append(
            {
                "label": org.name,
                "data": [_f(v) for v in by_org],
                "color": org.color or ORG_COLORS[i % len(ORG_COLORS)],
                "kind": "org",
            }
        )
    return {"labels": labels, "series": series, "unit": ind.unit, "kind": ind.kind}


def table_rows(ind, measurements, orgs) -> list[dict]:
    path = st.path_of(ind)
    out = []
    for m in measurements:
        by_org = {v.organisation_id: v.value for v in m.values}
        out.append(
            {
                "period": period_label(m.period),
                "value": format_value(ind.kind, m.value, ind.unit),
                "expected": format_value(ind.kind, _round(path.expected(m.period_end)), ind.unit),
                "orgs": [format_value(ind.kind, by_org.get(o.id), ind.unit) for o in orgs],
                "review": m.review_status,
            }
        )
    return out


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))
