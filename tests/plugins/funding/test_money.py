"""Exact money: parsing edge cases, French display, shares that add up to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.funding.rules import check_keys, parse_amount, parse_percent, split
from workspace.web.formats import money


@pytest.fixture(autouse=True)
def _request(app):
    """Messages are lazy French strings: render them as in a request."""
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        yield


@pytest.mark.parametrize(
    "text,value",
    [
        ("12 000,50", Decimal("12000.50")),
        ("12000.5", Decimal("12000.50")),
        ("15 000 €", Decimal("15000.00")),
        ("0", Decimal("0.00")),
        ("0,01", Decimal("0.01")),
        ("10 000 000,00", Decimal("10000000.00")),
        ("12\u202f000,00", Decimal("12000.00")),
    ],
)
def test_parse_valid_amounts(text, value):
    assert parse_amount(text) == value
    assert isinstance(parse_amount(text), Decimal)


@pytest.mark.parametrize(
    "text,message",
    [
        ("0.005", "deux décimales"),
        ("12,345", "deux décimales"),
        ("-5", "négatif"),
        ("- 5,00", "négatif"),
        ("10000000000", "trop élevé"),
        ("10 000 000,01", "au plus 10 000 000"),
        ("1" * 31, "trop long"),
        ("1e5", "deux décimales"),
        ("NaN", "deux décimales"),
        ("12.000,50", "deux décimales"),
        ("", "Indiquez"),
        ("douze", "deux décimales"),
    ],
)
def test_parse_refuses(text, message):
    with pytest.raises(ValueError) as err:
        parse_amount(text)
    assert message in str(err.value.args[0])


def test_french_display():
    assert money(Decimal("15000")).replace("\u202f", " ").replace("\xa0", " ") == "15 000,00 €"
    assert money(Decimal("-0.5")).replace("\xa0", " ") == "-0,50 €"


@pytest.mark.parametrize(
    "total,pcts",
    [
        ("100.00", ["33.33", "33.33", "33.34"]),
        ("0.01", ["40", "35", "25"]),
        ("18000.00", ["40", "35", "25"]),
        ("999.99", ["33.33", "33.33", "33.34"]),
        ("9999999999.99", ["12.34", "56.78", "30.88"]),
        ("0.00", ["50", "50"]),
        ("10.00", ["100"]),
    ],
)
def test_shares_add_up_exactly(total, pcts):
    keys = [(i, Decimal(p)) for i, p in enumerate(pcts)]
    shares = split(Decimal(total), keys)
    assert sum(shares.values()) == Decimal(total)
    for i, p in keys:
        exact = Decimal(total) * p / 100
        assert abs(shares[i] - exact) < Decimal("0.01")
        assert shares[i] == shares[i].quantize(Decimal("0.01"))


def test_demo_shares():
    shares = split(
        Decimal("18000.00"), [(1, Decimal("40")), (2, Decimal("35")), (3, Decimal("25"))]
    )
    assert shares == {1: Decimal("7200.00"), 2: Decimal("6300.00"), 3: Decimal("4500.00")}


@pytest.mark.parametrize("text", ["40", "33,33", "33.34", "0", "100", "12.5 %"])
def test_percent_ok(text):
    assert parse_percent(text) <= 100


@pytest.mark.parametrize("text", ["33,333", "-1", "100,01", "abc", "", "1e2"])
def test_percent_refused(text):
    with pytest.raises(ValueError):
        parse_percent(text)


def test_keys_must_sum_to_exactly_100():
    check_keys([Decimal("40"), Decimal("35"), Decimal("25")])
    check_keys([Decimal("33.33"), Decimal("33.33"), Decimal("33.34")])
    for bad in ([Decimal("33.33")] * 3, [Decimal("50"), Decimal("50.01")], []):
        with pytest.raises(ValueError) as err:
            check_keys(bad)
        assert "100" in str(err.value.args[0])
