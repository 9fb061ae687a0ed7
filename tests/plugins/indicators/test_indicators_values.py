"""Typed values and the period grid."""

from datetime import date
from decimal import Decimal as D

import pytest

from plugins.indicators.values import parse_period, parse_value, periods_between


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("quantity", "12", D(12)),
        ("quantity", "12,5", D("12.5")),
        ("quantity", "1 234,5", D("1234.5")),
        ("percentage", "0", D(0)),
        ("percentage", "100", D(100)),
        ("percentage", "92,5", D("92.5")),
        ("money", "23,40 €", D("23.40")),
        ("money", "12 000", D("12000.00")),
        ("yesno", "oui", D(1)),
        ("yesno", "Non", D(0)),
        ("scale", "1", D(1)),
        ("scale", "5", D(5)),
    ],
)
def test_good_values(app, kind, text, value):
    with app.test_request_context():
        assert parse_value(kind, text) == value


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("quantity", "douze", "Saisissez un nombre"),
        ("quantity", "-3", "négative"),
        ("quantity", "", "obligatoire"),
        ("percentage", "100,1", "entre 0 et 100"),
        ("percentage", "-1", "entre 0 et 100"),
        ("money", "12,345", "Montant invalide"),
        ("money", "abc", "Montant invalide"),
        ("yesno", "peut-être", "oui ou par non"),
        ("scale", "0", "de 1 à 5"),
        ("scale", "6", "de 1 à 5"),
        ("scale", "3,5", "de 1 à 5"),
        ("quantity", "1" * 25, "Saisissez un nombre"),
    ],
)
def test_bad_values(app, kind, text, message):
    with app.test_request_context(), pytest.raises(ValueError, match=message):
        parse_value(kind, text)


@pytest.mark.parametrize(
    ("frequency", "text", "label", "end"),
    [
        ("monthly", "2026-02", "2026-02", date(2026, 2, 28)),
        ("quarterly", "2026-T1", "2026-T1", date(2026, 3, 31)),
        ("quarterly", "2026-q4", "2026-T4", date(2026, 12, 31)),
        ("yearly", "2026", "2026", date(2026, 12, 31)),
        ("once", "2026-06-15", "2026-06-15", date(2026, 6, 15)),
    ],
)
def test_periods_on_the_grid(app, frequency, text, label, end):
    with app.test_request_context():
        assert parse_period(frequency, text) == (label, end)


@pytest.mark.parametrize(
    ("frequency", "text"),
    [
        ("monthly", "2026-13"),
        ("monthly", "2026-T1"),
        ("quarterly", "2026-T5"),
        ("quarterly", "2026-03"),
        ("yearly", "2026-T1"),
        ("yearly", "26"),
        ("once", "2026-02-30"),
        ("quarterly", "1800-T1"),
    ],
)
def test_periods_off_the_grid(app, frequency, text):
    with app.test_request_context(), pytest.raises(ValueError, match="Période invalide"):
        parse_period(frequency, text)


def test_periods_between():
    got = periods_between("quarterly", date(2025, 12, 31), date(2026, 9, 30))
    assert [p for p, _ in got] == ["2025-T4", "2026-T1", "2026-T2", "2026-T3"]
