"""Fixtures for the dashboard tests: a project with indicators and measurements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workspace.extensions import db


def add_indicators(project, actor, evaluator, n=1, per=2):
    from plugins.indicators import operations
    from plugins.indicators.values import periods_between

    periods = periods_between("monthly", date(2024, 1, 1), date(2030, 12, 31))[:per]
    for i in range(n):
        ind = operations.create_indicator(
            project,
            actor,
            name=f"Indicateur {i}",
            area="pilotage",
            kind="percentage",
            unit="%",
            direction="higher",
            baseline_value=Decimal(80),
            baseline_date=date(2023, 12, 31),
            target_value=Decimal(95),
            target_date=date(2031, 1, 1),
            frequency="monthly",
        )
        for label, end in periods:
            m = operations.add_measurement(
                ind, actor, period=label, period_end=end, value=Decimal(85)
            )
            operations.review(ind, evaluator, "accepted", "", m)
    db.session.commit()


@pytest.fixture
def dash(roles_project):
    project, people = roles_project
    add_indicators(project, people["director"], people["evaluator"])
    return project, people
