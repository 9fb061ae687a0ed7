"""An indicator's traffic light, computed from its last ACCEPTED value against its target path.

The target path is a straight line from the baseline (value, date) through the intermediate
targets to the final target (value, date); before the baseline it is the baseline, after the
target date it is the target. Thresholds (documented on the indicators page):

- higher / lower is better: the *shortfall* is how far the value is on the wrong side of the
  path's expected value at the measurement date. No shortfall → on track; a shortfall of at
  most ``AT_RISK`` (10 %) of the expected value (or, when the expected value is 0, of the whole
  planned change) → at risk; more → off track.
- target band [low, high]: inside (bounds included) → on track; outside by at most 10 % of the
  nearest bound (absolute) → at risk; further → off track. The band holds at every date.
- yes / no: the target answer reached → on track; not yet, before the target date → at risk;
  not reached at or after the target date → off track.

No accepted value yet → ``unknown`` (« pas encore mesuré »). The evaluator's override, when
set, wins over the computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

AT_RISK = Decimal("0.10")

ON_TRACK, AT_RISK_STATUS, OFF_TRACK, UNKNOWN = "on_track", "at_risk", "off_track", "unknown"

LABELS = {
    ON_TRACK: _l("en bonne voie"),
    AT_RISK_STATUS: _l("à surveiller"),
    OFF_TRACK: lazy_pgettext("indicator status", "en retard"),  # a task's is « overdue »
    UNKNOWN: _l("pas encore mesuré"),
}
TONES = {ON_TRACK: "ok", AT_RISK_STATUS: "warn", OFF_TRACK: "danger", UNKNOWN: "neutral"}
ICONS = {
    ON_TRACK: "circle-check",
    AT_RISK_STATUS: "alert-triangle",
    OFF_TRACK: "circle-alert",
    UNKNOWN: "circle-help",
}
ORDER = [ON_TRACK, AT_RISK_STATUS, OFF_TRACK, UNKNOWN]


@dataclass(frozen=True)
class Path:
    """What the computation needs of an indicator (no database access)."""

    kind: str
    direction: str
    baseline: Decimal
    baseline_date: date
    target: Decimal
    target_date: date
    target_max: Decimal | None = None
    steps: tuple[tuple[date, Decimal], ...] = ()

    def points(self) -> list[tuple[date, Decimal]]:
        pts = [(self.baseline_date, self.baseline), *self.steps, (self.target_date, self.target)]
        return sorted(pts, key=lambda p: p[0])

    def expected(self, when: date) -> Decimal:
        """The value the path expects at ``when`` (linear between the points)."""
        pts = self.points()
        if when <= pts[0][0]:
            return pts[0][1]
        for (d0, v0), (d1, v1) in pairwise(pts):
            if when <= d1:
                span = (d1 - d0).days
                if span <= 0:
                    return v1
                return v0 + (v1 - v0) * Decimal((when - d0).days) / Decimal(span)
        return pts[-1][1]


def compute(path: Path, value: Decimal | None, when: date | None) -> str:
    """The status of ``value`` measured at ``when`` (the end of its period)."""
    if value is None or when is None:
        return UNKNOWN
    value = Decimal(value)
    if path.kind == "yesno":
        if value == path.target:
            return ON_TRACK
        return AT_RISK_STATUS if when < path.target_date else OFF_TRACK
    if path.direction == "band":
        return _band(path, value)
    expected = path.expected(when)
    shortfall = expected - value if path.direction == "higher" else value - expected
    if shortfall <= 0:
        return ON_TRACK
    scale = abs(expected) or abs(path.target - path.baseline) or Decimal(1)
    return AT_RISK_STATUS if shortfall <= AT_RISK * scale else OFF_TRACK


def _band(path: Path, value: Decimal) -> str:
    low = path.target
    high = path.target_max if path.target_max is not None else path.target
    if low > high:
        low, high = high, low
    if low <= value <= high:
        return ON_TRACK
    bound = low if value < low else high
    distance = abs(value - bound)
    scale = abs(bound) or Decimal(1)
    return AT_RISK_STATUS if distance <= AT_RISK * scale else OFF_TRACK


def path_of(indicator) -> Path:
    return Path(
        kind=indicator.kind,
        direction=indicator.direction,
        baseline=Decimal(indicator.baseline_value),
        baseline_date=indicator.baseline_date,
        target=Decimal(indicator.target_value),
        target_date=indicator.target_date,
        target_max=indicator.target_max,
        steps=tuple((t.target_date, Decimal(t.value)) for t in indicator.targets),
    )


def status_of(indicator, last_accepted) -> str:
    """The displayed status: the evaluator's override, else the computed one."""
    if indicator.status_override:
        return indicator.status_override
    if last_accepted is None:
        return UNKNOWN
    return compute(path_of(indicator), last_accepted.value, last_accepted.period_end)
