"""Fixtures for the dashboard tests: a project with indicators and measurements."""

from __future__ import annotations

from datetime import date, timedelta
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


def milestone(project, actor, title, days, status="planned"):
    from plugins.milestones import operations

    m = operations.create_milestone(
        project, actor, title=title, planned_date=date.today() + timedelta(days=days)
    )
    m.status = status
    db.session.commit()
    return m


def task(project, actor, title, days, done=False):
    from plugins.board import operations
    from plugins.board.setup import ensure_columns

    columns = ensure_columns(project)
    column = next(c for c in columns if c.done == done)
    task = operations.create_task(
        project, actor, column, title=title, due_date=date.today() + timedelta(days=days)
    )
    db.session.commit()
    return task


@pytest.fixture
def busy(roles_project):
    """A project with milestones late, waiting, returned and ahead, and tasks late or done."""
    project, people = roles_project
    director = people["director"]
    milestone(project, director, "Jalon ancien validé", -90, "validated")
    milestone(project, director, "Convention en retard", -10)
    milestone(project, director, "Diagnostic soumis", -5, "submitted")
    milestone(project, director, "Statuts renvoyés", 20, "returned")
    milestone(project, director, "Assemblée", 40)
    task(project, director, "Tâche en retard", -3)
    task(project, director, "Tâche finie en retard", -3, done=True)
    task(project, director, "Tâche à venir", 3)
    return project, people
