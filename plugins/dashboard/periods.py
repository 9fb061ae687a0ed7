"""Report periods (``2026``, ``2026-S1``, ``2026-T3``) and the reports' due dates."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from flask_babel import gettext as _

_PERIOD = re.compile(r"^(\d{4})(?:-(S[12]|T[1-4]))?$")
#: A half-year report is due one month after the half-year ends; the final one two months after
#: the project's planned end.
REPORT_GRACE = timedelta(days=31)
FINAL_GRACE = timedelta(days=61)


def parse(text: str) -> dict:
    """``{"key", "label", "start", "end"}`` of a period; ValueError (French) otherwise."""
    m = _PERIOD.match((text or "").strip().upper())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise ValueError(_("Période invalide : écrivez 2026, 2026-S1 ou 2026-T3."))
    year, part = int(m.group(1)), m.group(2)
    if part is None:
        return {
            "key": str(year),
            "label": _("année %(y)d", y=year),
            "start": date(year, 1, 1),
            "end": date(year, 12, 31),
        }
    if part.startswith("S"):
        half = int(part[1])
        start = date(year, 1 if half == 1 else 7, 1)
        end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
        label = _("1er semestre %(y)d", y=year) if half == 1 else _("2e semestre %(y)d", y=year)
        return {"key": f"{year}-{part}", "label": label, "start": start, "end": end}
    q = int(part[1])
    last = q * 3
    return {
        "key": f"{year}-{part}",
        "label": _("T%(q)d %(y)d", q=q, y=year),
        "start": date(year, last - 2, 1),
        "end": date(year, last, calendar.monthrange(year, last)[1]),
    }


def choices(project, today: date | None = None) -> list[tuple[str, str]]:
    """The periods offered in the report form, most recent first."""
    today = today or date.today()
    first = (project.start_date or today).year
    last = max(today.year, first)
    out = []
    for year in range(last, first - 1, -1):
        out.append(str(year))
        out += [f"{year}-S2", f"{year}-S1"]
        out += [f"{year}-T{q}" for q in (4, 3, 2, 1)]
    return [(k, parse(k)["label"]) for k in out]


def default_period(today: date | None = None) -> str:
    today = today or date.today()
    return f"{today.year}-S{1 if today.month <= 6 else 2}"


def due_reports(project, today: date | None = None) -> list[dict]:
    """The half-year reports from the project's start to its planned end, and the final one."""
    if not project.start_date:
        return []
    end = project.end_date or (project.start_date + timedelta(days=730))
    items = []
    year = project.start_date.year
    while date(year, 1, 1) <= end:
        for half in (1, 2):
            p = parse(f"{year}-S{half}")
            if p["end"] < project.start_date or p["start"] > end:
                continue
            items.append(
                {
                    "key": p["key"],
                    "title": _("Bilan : %(p)s", p=p["label"]),
                    "date": p["end"] + REPORT_GRACE,
                }
            )
        year += 1
    items.append({"key": "final", "title": _("Bilan final du projet"), "date": end + FINAL_GRACE})
    return items
