"""The traffic light, table-tested: each direction, at and around the 10 % threshold."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from plugins.indicators.status import AT_RISK_STATUS as RISK
from plugins.indicators.status import OFF_TRACK as OFF
from plugins.indicators.status import ON_TRACK as ON
from plugins.indicators.status import UNKNOWN, Path, compute

B = date(2026, 1, 1)
MID, T = B + timedelta(days=100), B + timedelta(days=200)


def path(direction, base, target, kind="percentage", target_max=None, steps=()):
    return Path(
        kind,
        direction,
        D(base),
        B,
        D(target),
        T,
        D(target_max) if target_max else None,
        tuple(steps),
    )


HIGHER = path("higher", 80, 100)  # expected 90 at MID; 10 % of 90 = 9
LOWER = path("lower", 20, 10)  # expected 15 at MID; 10 % of 15 = 1.5
BAND = path("band", 50, 40, target_max=60)  # target value = low bound


@pytest.mark.parametrize(
    ("p", "value", "when", "expected"),
    [
        # higher is better: at / above the path, then within 10 % of it, then beyond.
        (HIGHER, "90", MID, ON),
        (HIGHER, "95", MID, ON),
        (HIGHER, "89.99", MID, RISK),
        (HIGHER, "81", MID, RISK),  # shortfall 9 = exactly 10 % of 90
        (HIGHER, "80.99", MID, OFF),
        (HIGHER, "100", T, ON),
        (HIGHER, "90.01", T, RISK),
        (HIGHER, "89.99", T, OFF),
        (HIGHER, "80", B, ON),  # at the baseline date the path is the baseline
        (HIGHER, "100", T + timedelta(days=400), ON),  # after the target date: the target
        # lower is better
        (LOWER, "15", MID, ON),
        (LOWER, "12", MID, ON),
        (LOWER, "16.5", MID, RISK),  # excess 1.5 = exactly 10 % of 15
        (LOWER, "16.51", MID, OFF),
        (LOWER, "15.01", MID, RISK),
        (LOWER, "10", T, ON),
        (LOWER, "11", T, RISK),
        (LOWER, "11.01", T, OFF),
        # target band [40, 60]: inside, within 10 % of the nearest bound, beyond
        (BAND, "40", MID, ON),
        (BAND, "60", MID, ON),
        (BAND, "50", B, ON),
        (BAND, "36", MID, RISK),  # 4 below 40 = 10 %
        (BAND, "35.99", MID, OFF),
        (BAND, "66", MID, RISK),  # 6 above 60 = 10 %
        (BAND, "66.01", MID, OFF),
    ],
)
def test_status_table(p, value, when, expected):
    assert compute(p, D(value), when) == expected


def test_intermediate_targets_bend_the_path():
    # Expected 95 on 2026-07-02 through an intermediate step, not 90 as on the straight line.
    p = path("higher", 80, 100, steps=[(MID, D(95))])
    assert p.expected(MID) == D(95)
    assert compute(p, D("91"), MID) == RISK
    assert compute(path("higher", 80, 100), D("91"), MID) == ON


def test_yes_no():
    p = path("higher", 0, 1, kind="yesno")
    assert compute(p, D(1), MID) == ON
    assert compute(p, D(0), MID) == RISK  # not yet, but there is time
    assert compute(p, D(0), T) == OFF


def test_zero_expected_uses_the_planned_change():
    p = path("lower", 10, 0)  # at T expected 0: 10 % of the planned change (10) = 1
    assert compute(p, D(1), T) == RISK
    assert compute(p, D("1.01"), T) == OFF


def test_no_value_is_unknown():
    assert compute(HIGHER, None, MID) == UNKNOWN


def test_override_wins(setup):
    from plugins.indicators.status import status_of

    _, _, ind, m = setup
    ind.status_override = OFF
    assert status_of(ind, m) == OFF
    ind.status_override = None
    assert status_of(ind, None) == UNKNOWN
