"""Fixtures for the indicators tests: a project with one user per role and indicators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workspace.extensions import db


def make_indicator(project, actor, **fields):
    from plugins.indicators import operations

    defaults = {
        "name": "Taux de continuité le week-end",
        "definition": "Part des interventions réalisées",
        "area": "pilotage",
        "kind": "percentage",
        "unit": "%",
        "direction": "higher",
        "baseline_value": Decimal("88"),
        "baseline_date": date(2025, 12, 31),
        "target_value": Decimal("97"),
        "target_date": date(2027, 6, 30),
        "frequency": "quarterly",
        "source": "Planning",
        "breakdown": False,
    }
    defaults.update(fields)
    ind = operations.create_indicator(project, actor, **defaults)
    db.session.commit()
    return ind


def make_measurement(ind, actor, period="2026-T1", value="90", **kw):
    from plugins.indicators import operations
    from plugins.indicators.values import parse_period

    label, end = parse_period(ind.frequency, period)
    m = operations.add_measurement(
        ind, actor, period=label, period_end=end, value=Decimal(value), **kw
    )
    db.session.commit()
    return m


@pytest.fixture
def setup(roles_project):
    """(project, people, indicator, measurement) with one pending measurement."""
    project, people = roles_project
    ind = make_indicator(project, people["director"])
    m = make_measurement(ind, people["director"])
    return project, people, ind, m
