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


def test_date_time_is_flask_babel_s_in_the_viewer_s_zone(app):
    """The fast ``date_time`` gives what Flask-Babel's ``format_datetime`` gives, across the
    changes of summer time, for aware and naive (UTC) values, in both languages."""
    from datetime import UTC, datetime, timedelta

    from flask_babel import format_datetime

    from workspace.web.formats import DATE_TIME, date_time

    start = datetime(2026, 3, 28, 22, 17, tzinfo=UTC)
    moments = [start + timedelta(minutes=37 * k) for k in range(200)]
    moments += [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC) + timedelta(minutes=20 * k) for k in range(12)
    ]
    for lang in ("fr", "en"):
        with app.test_request_context(), force_locale(lang):
            for m in moments:
                assert date_time(m) == format_datetime(m, DATE_TIME)
                naive = m.replace(tzinfo=None)
                assert date_time(naive) == format_datetime(naive, DATE_TIME)
    with app.test_request_context(), force_locale("fr"):
        assert date_time(datetime(2026, 7, 14, 8, 5, tzinfo=UTC)) == "14 juil. 2026, 10:05"
        assert date_time(None) == "—"
