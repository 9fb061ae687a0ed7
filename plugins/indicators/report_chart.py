"""The print chart of the funder report: one light inline SVG per indicator.

WeasyPrint gives every SVG element its own style computation and draws every ``<text>``
through Pango. The former chart (a labelled tick and a dot per point, a legend in each chart)
cost about 70 elements and 35 texts per indicator, about 2 s of the PDF of a 60-indicator
project. This one keeps ten elements whatever the number of measurements: the report period's
band, the grid as one path, four labels (lowest and highest grid values, first and last
period), the baseline, the target path, the measured values as one polyline and a dot on the
last one. The legend is drawn once for the whole section (``swatch()``). Time runs along the
x axis (a missing month leaves a gap, not a shift).
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

from workspace.web.formats import number

from . import status as st
from .values import period_label

W, H = 560, 120
PAD_L, PAD_R, PAD_T, PAD_B = 58, 12, 8, 18
VALUE, TARGET, BASELINE, BAND, GRID, INK, MUTED = (
    "#1f5f8b",
    "#1e7a46",
    "#5a6877",
    "#eef2f5",
    "#d5dce3",
    "#1c2733",
    "#5a6877",
)
DASHES = {"target": "6 4", "baseline": "2 3"}


def nice_ticks(lo: float, hi: float, most: int = 4) -> list[float]:
    """Round values covering [lo, hi], at most ``most`` + 1 of them (1, 2, 2.5 or 5 × 10ⁿ)."""
    raw = (hi - lo) / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(k * power for k in (1, 2, 2.5, 5, 10) if k * power >= raw)
    first = math.floor(lo / step) * step
    ticks, v = [], first
    while v < hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    if ticks[-1] < hi:
        ticks.append(round(v, 10))
    return ticks


def _whole(v: float) -> bool:
    return abs(v - round(v)) < 1e-6


def _path_points(ind, start: date, end: date) -> list[tuple[date, Decimal]]:
    """The target path between ``start`` and ``end``: it is linear between its own points."""
    path = st.path_of(ind)
    inner = [(d, v) for d, v in path.points() if start < d < end]
    return [(start, path.expected(start)), *inner, (end, path.expected(end))]


def svg(ind, measurements, period: dict) -> Markup:
    """The chart of ``measurements`` (ordered, up to the period's end) with the period shaded."""
    if not measurements:
        return Markup("")
    start = min(measurements[0].period_end, period["start"])
    end = max(measurements[-1].period_end, period["end"])
    span = max((end - start).days, 1)
    target = _path_points(ind, start, end)
    values = [float(m.value) for m in measurements]
    everything = [*values, float(ind.baseline_value), *(float(v) for _, v in target)]
    lo, hi = min(everything), max(everything)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    ticks = nice_ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]

    def x(d: date) -> float:
        return PAD_L + (W - PAD_L - PAD_R) * (d - start).days / span

    def y(v: float) -> float:
        return PAD_T + (H - PAD_T - PAD_B) * (1 - (v - lo) / (hi - lo))

    def line(points, color, width, kind="") -> str:
        dash = f' stroke-dasharray="{DASHES[kind]}"' if kind else ""
        d = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        return f'<polyline points="{d}" fill="none" stroke="{color}" stroke-width="{width}"{dash}/>'

    digits = next((k for k in (0, 1, 2) if all(_whole(t * 10**k) for t in ticks)), 3)
    base_y = y(float(ind.baseline_value))
    last_x, last_y = x(measurements[-1].period_end), y(values[-1])
    p0, p1 = x(max(period["start"], start)), x(period["end"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
        f'height="{H}" role="img" aria-label="{escape(ind.name)}" '
        'font-family="DejaVu Sans, sans-serif" font-size="10">',
        f'<rect x="{p0:.1f}" y="{PAD_T}" width="{max(p1 - p0, 1):.1f}" '
        f'height="{H - PAD_T - PAD_B}" fill="{BAND}"/>',
        f'<path d="{" ".join(f"M{PAD_L} {y(t):.1f}H{W - PAD_R}" for t in ticks)}" '
        f'stroke="{GRID}" stroke-width="1"/>',
        *(
            f'<text x="{PAD_L - 6}" y="{y(t) + 3.5:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{number(t, digits)}</text>"
            for t in (ticks[0], ticks[-1])  # every label is a Pango layout: the two ends
        ),
        f'<text x="{PAD_L}" y="{H - 4}" fill="{INK}">'
        f"{escape(period_label(measurements[0].period))}</text>",
        f'<text x="{W - PAD_R}" y="{H - 4}" text-anchor="end" fill="{INK}">'
        f"{escape(period_label(measurements[-1].period))}</text>",
        line([(PAD_L, base_y), (W - PAD_R, base_y)], BASELINE, 1.5, "baseline"),
        line([(x(d), y(float(v))) for d, v in target], TARGET, 1.5, "target"),
        line(
            [(x(m.period_end), y(v)) for m, v in zip(measurements, values, strict=True)], VALUE, 2.5
        ),
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3.5" fill="{VALUE}"/>',
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - built from escaped text and numbers


def swatch(kind: str) -> Markup:
    """A short sample of a chart line for the section's legend."""
    if kind == "period":
        body = f'<rect x="0" y="0" width="24" height="10" fill="{BAND}" stroke="{GRID}"/>'
    else:
        color, width = {"value": (VALUE, 2.5), "target": (TARGET, 1.5)}.get(kind, (BASELINE, 1.5))
        dash = f' stroke-dasharray="{DASHES[kind]}"' if kind in DASHES else ""
        body = f'<path d="M0 5H24" stroke="{color}" stroke-width="{width}"{dash}/>'
    return Markup(  # noqa: S704 - constant markup
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 10" width="24" height="10" '
        f'aria-hidden="true">{body}</svg>'
    )
