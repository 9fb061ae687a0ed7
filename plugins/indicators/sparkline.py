"""A small trend chart of an indicator, drawn as inline SVG by the server (no script, readable
by screen readers through its text): the dashboard shows the direction, not only a status."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from .values import format_value, period_label

WIDTH, HEIGHT, PAD = 100, 28, 3


@dataclass
class Spark:
    points: str  # the polyline's "x,y x,y …"
    last: tuple[float, float]
    target_y: float | None
    text: str  # what the chart says, for screen readers and as a tooltip


def spark(row) -> Spark | None:
    """The chart of ``row.trend`` (two measurements at least) with the target as a line."""
    if len(row.trend) < 2:
        return None
    ind = row.indicator
    values = [float(v) for _p, v in row.trend]
    target = float(ind.target_value) if ind.target_value is not None else None
    scale = values + ([target] if target is not None else [])
    low, high = min(scale), max(scale)
    span = (high - low) or 1.0

    def y(v: float) -> float:
        return round(HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD), 1)

    step = (WIDTH - 2 * PAD) / (len(values) - 1)
    xy = [(round(PAD + i * step, 1), y(v)) for i, v in enumerate(values)]
    (first_p, first_v), (last_p, last_v) = row.trend[0], row.trend[-1]
    text = _(
        "Évolution : %(first)s (%(fp)s) → %(last)s (%(lp)s)",
        first=format_value(ind.kind, first_v, ind.unit),
        fp=period_label(first_p),
        last=format_value(ind.kind, last_v, ind.unit),
        lp=period_label(last_p),
    )
    if target is not None:
        text += _(", cible %(target)s", target=format_value(ind.kind, ind.target_value, ind.unit))
    return Spark(
        " ".join(f"{a},{b}" for a, b in xy),
        xy[-1],
        y(target) if target is not None else None,
        text,
    )
