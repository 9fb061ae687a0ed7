"""French formats for money and dates (and English when asked)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import force_locale

from workspace.web.formats import long_date, money, short_date


def test_money_in_french(app):
    with app.test_request_context(), force_locale("fr"):
        assert money(Decimal("15000")) == "15\u202f000,00\u00a0€"
        assert money(12000.5) == "12\u202f000,50\u00a0€"
        assert money(None) == "—"


def test_long_date_in_french(app):
    with app.test_request_context(), force_locale("fr"):
        assert long_date(date(2026, 11, 22)) == "22 novembre 2026"
        assert short_date(date(2026, 11, 22)) == "22/11/2026"


def test_english_formats(app):
    with app.test_request_context(), force_locale("en"):
        assert money(Decimal("15000")) == "€15,000.00"
        assert long_date(date(2026, 11, 22)) == "November 22, 2026"
