"""The portfolio's indicator summaries (counted in SQL) give the answers of the indicator
pages' rows (every measurement read): status, late measurements, open questions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from plugins.indicators import operations, queries
from plugins.indicators.models import Indicator, Measurement
from plugins.indicators.summaries import summaries_by_project
from plugins.indicators.values import periods_between
from tests.factories import create_indicator, project_with_roles
from workspace.extensions import db

TODAY = date.today()


def _measure(ind, actor, evaluator, k: int, value, decision: str | None):
    label, end = periods_between(ind.frequency, ind.baseline_date, TODAY)[k]
    m = operations.add_measurement(ind, actor, period=label, period_end=end, value=Decimal(value))
    if decision:
        operations.review(ind, evaluator, decision, "Pourquoi ?" * (decision != "accepted"), m)
    return m


@pytest.fixture
def varied(app):
    """Indicators of every kind of history: accepted on and off track, rejected, questioned,
    pending, none, overridden, measured once, a frequency changed after measures, steps."""
    project, people = project_with_roles()
    d, ev = people["director"], people["evaluator"]
    two_years_ago = TODAY - timedelta(days=730)
    common = {"baseline_date": two_years_ago, "target_date": TODAY + timedelta(days=365)}
    with app.test_request_context():
        on = create_indicator(project, d, name="En bonne voie", frequency="monthly", **common)
        for k, decision in enumerate(["accepted", "rejected", "questioned", None]):
            _measure(on, d, ev, k, 96, decision)
        off = create_indicator(project, d, name="En retard", frequency="quarterly", **common)
        _measure(off, d, ev, 0, 81, "accepted")
        _measure(off, d, ev, 2, 70, "accepted")
        create_indicator(project, d, name="Jamais mesuré", frequency="yearly", **common)
        forced = create_indicator(project, d, name="Forcé", frequency="monthly", **common)
        _measure(forced, d, ev, 1, 20, "accepted")
        operations.override_status(forced, ev, "on_track", "Contexte connu")
        create_indicator(
            project, d, name="Une fois, en retard", frequency="once",
            baseline_date=two_years_ago, target_date=TODAY - timedelta(days=60),
        )  # fmt: skip
        once_done = create_indicator(
            project, d, name="Une fois, faite", frequency="once",
            baseline_date=two_years_ago, target_date=TODAY - timedelta(days=60),
        )  # fmt: skip
        _measure_once(once_done, d, ev)
        changed = create_indicator(
            project, d, name="Fréquence changée", frequency="monthly", **common
        )
        for k in range(5):
            _measure(changed, d, ev, k, 90, "accepted")
        operations.update_indicator(changed, d, frequency="quarterly")
        stepped = create_indicator(
            project, d, name="Paliers", frequency="monthly",
            targets=[(TODAY - timedelta(days=400), Decimal(99))], **common,
        )  # fmt: skip
        _measure(stepped, d, ev, 6, 90, "accepted")
        ended = create_indicator(
            project, d, name="Échéance passée", frequency="monthly",
            baseline_date=two_years_ago, target_date=TODAY - timedelta(days=200),
        )  # fmt: skip
        _measure(ended, d, ev, 2, 85, "accepted")
    db.session.commit()
    return project


def _measure_once(ind, actor, evaluator):
    m = operations.add_measurement(
        ind, actor, period=ind.target_date.isoformat(), period_end=ind.target_date, value=1
    )
    operations.review(ind, evaluator, "accepted", "", m)


def test_summaries_agree_with_the_rows_of_the_indicator_pages(app, varied):
    project = varied
    assert db.session.scalar(db.select(db.func.count(Indicator.id))) == 9
    assert db.session.scalar(db.select(db.func.count(Measurement.id))) > 10
    with app.test_request_context():
        rows = queries.rows_by_project([project.id])[project.id]
        summaries = summaries_by_project([project.id], TODAY)[project.id]
        expected = [
            (r.status, sum(i["overdue"] for i in queries.due_items(project, [r], TODAY)))
            for r in rows
        ]
        got = [(s.status, s.late) for s in summaries]
        names = [r.indicator.name for r in rows]
        assert dict(zip(names, got, strict=True)) == dict(zip(names, expected, strict=True))
        assert [s.open_questions for s in summaries] == [r.open_questions for r in rows]
        assert queries.counts(summaries) == queries.counts(rows)
        assert queries.late_count(rows, TODAY) == sum(s.late for s in summaries) > 0
    statuses = {s.status for s in summaries}
    assert {"on_track", "off_track", "unknown"} <= statuses  # the fixture covers them


def test_no_project_no_query(app):
    with app.test_request_context():
        assert summaries_by_project([], TODAY) == {}
