"""Typed values and the period grid: parse what people type, refuse what does not fit.

Every parser raises :class:`ValueError` with a French (translated) message meant for the form.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from workspace.web.formats import parse_money

from .models import Frequency, Kind

_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")
YES = {"oui", "yes", "1", "o", "y", "true", "vrai"}
NO = {"non", "no", "0", "n", "false", "faux"}


def _number(text: str) -> Decimal:
    raw = str(text).replace("\u202f", "").replace("\xa0", "").replace(" ", "").strip()
    if not _NUMBER.match(raw) or len(raw) > 20:
        raise ValueError(_("Saisissez un nombre (par exemple 12,5)."))
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex guards
        raise ValueError(_("Saisissez un nombre (par exemple 12,5).")) from exc


def parse_value(kind: str, text) -> Decimal:
    """The stored Decimal of ``text`` for an indicator of type ``kind``."""
    text = str(text if text is not None else "").strip()
    if not text:
        raise ValueError(_("Ce champ est obligatoire."))
    if kind == Kind.YESNO:
        word = text.lower()
        if word in YES:
            return Decimal(1)
        if word in NO:
            return Decimal(0)
        raise ValueError(_("Répondez par oui ou par non."))
    if kind == Kind.MONEY:
        try:
            return parse_money(text)
        except ValueError as exc:
            raise ValueError(
                _("Montant invalide : utilisez des chiffres et au plus deux décimales.")
            ) from exc
    value = _number(text)
    if kind == Kind.PERCENTAGE and not Decimal(0) <= value <= Decimal(100):
        raise ValueError(_("Un pourcentage est compris entre 0 et 100."))
    if kind == Kind.SCALE and (value != value.to_integral_value() or not 1 <= value <= 5):
        raise ValueError(_("Sur l'échelle, choisissez un nombre entier de 1 à 5."))
    if kind == Kind.QUANTITY and value < 0:
        raise ValueError(_("Une quantité ne peut pas être négative."))
    if abs(value) >= Decimal("1e10"):
        raise ValueError(_("Ce nombre est trop grand."))
    return value


def format_value(kind: str, value, unit: str = "") -> str:
    """A value as people read it: ``92,5 %``, ``23,40 €``, ``oui``, ``4 / 5``."""
    from workspace.web.formats import money, number

    if value is None:
        return "—"
    value = Decimal(value)
    if kind == Kind.YESNO:
        return _("oui") if value else _("non")
    if kind == Kind.MONEY:
        return money(value)
    if kind == Kind.SCALE:
        return f"{number(value, 0)} / 5"
    text = number(
        value.normalize() if value == value.to_integral() else value.quantize(Decimal("0.01"))
    )
    if kind == Kind.PERCENTAGE:
        return f"{text}\u202f%"
    return f"{text}\u00a0{unit}" if unit else text


_PATTERNS = {
    Frequency.MONTHLY: (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "2026-03"),
    Frequency.QUARTERLY: (re.compile(r"^(\d{4})-[TtQq]([1-4])$"), "2026-T1"),
    Frequency.YEARLY: (re.compile(r"^(\d{4})$"), "2026"),
    Frequency.ONCE: (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "2026-06-30"),
}


def period_example(frequency: str) -> str:
    return _PATTERNS[Frequency(frequency)][1]


def _off_grid(example: str) -> ValueError:
    return ValueError(
        _("Période invalide pour cette fréquence : utilisez la forme %(example)s.", example=example)
    )


def parse_period(frequency: str, text: str) -> tuple[str, date]:
    """The canonical period label and its last day, or ValueError if off the grid."""
    text = (text or "").strip()
    pattern, example = _PATTERNS[Frequency(frequency)]
    m = pattern.match(text)
    if not m:
        raise _off_grid(example)
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise _off_grid(example)
    if frequency == Frequency.MONTHLY:
        month = int(m.group(2))
        return f"{year}-{month:02d}", date(year, month, calendar.monthrange(year, month)[1])
    if frequency == Frequency.QUARTERLY:
        q = int(m.group(2))
        month = q * 3
        return f"{year}-T{q}", date(year, month, calendar.monthrange(year, month)[1])
    if frequency == Frequency.YEARLY:
        return str(year), date(year, 12, 31)
    try:
        day = date(year, int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise _off_grid(example) from exc
    return day.isoformat(), day


def period_label(period: str) -> str:
    """``2026-T1`` → ``T1 2026``; ``2026-03`` → ``03/2026``; others unchanged."""
    if re.match(r"^\d{4}-T[1-4]$", period):
        return f"T{period[-1]} {period[:4]}"
    if re.match(r"^\d{4}-\d{2}$", period):
        return f"{period[5:]}/{period[:4]}"
    return period


@functools.lru_cache(maxsize=4096)
def periods_between(frequency: str, start: date, end: date) -> tuple[tuple[str, date], ...]:
    """Every period of the grid whose last day falls in ``[start, end]`` (the calendar).

    Cached: indicators of a project (and of many projects) share their grid and dates, and the
    portfolio asks for the grid of every indicator of every project."""
    out: list[tuple[str, date]] = []
    if frequency == Frequency.ONCE:
        return ()
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        last = date(year, month, calendar.monthrange(year, month)[1])
        if frequency == Frequency.MONTHLY:
            label = f"{year}-{month:02d}"
        elif frequency == Frequency.QUARTERLY and month % 3 == 0:
            label = f"{year}-T{month // 3}"
        elif frequency == Frequency.YEARLY and month == 12:
            label = str(year)
        else:
            label = None
        if label and start <= last <= end:
            out.append((label, last))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)
