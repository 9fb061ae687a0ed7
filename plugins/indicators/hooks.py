"""What the indicators plugin gives others: dashboard widgets, calendar, alerts (the report
section is in report.py)."""

from __future__ import annotations

from datetime import date

from flask import url_for

from workspace.extensions import db
from workspace.web.formats import ngettext

from . import queries
from . import status as st
from .models import Indicator, Measurement
from .sparkline import spark
from .summaries import summaries_by_project
from .values import format_value, period_label


def widget_lights(project, user) -> dict:
    """Dashboard card: the traffic lights of every indicator (bounded queries)."""
    rows = queries.rows(project.id)
    return {
        "rows": rows,
        "counts": queries.counts(rows),
        "st": st,
        "fmt": format_value,
        "spark": spark,
    }


def widget_reviews(project, user) -> dict | None:
    """Dashboard card: open questions of the evaluator and measurements awaiting review."""
    rows = queries.rows(project.id)
    to_review = sum(r.to_review for r in rows)
    questions = queries.open_question_reviews(project.id)
    if not rows:
        return None
    return {"to_review": to_review, "questions": questions[:5], "n_questions": len(questions)}


def portfolio_facts(projects, today: date) -> dict[int, dict]:
    """The portfolio's facts of each project (4 queries for them all): the traffic lights,
    the measurements late (``overdue``) and the alerts (off track, late, open questions)."""
    by_project = summaries_by_project((p.id for p in projects), today)
    facts = {}
    for project in projects:
        rows = by_project[project.id]
        if not rows:
            continue
        late = sum(r.late for r in rows)
        facts[project.id] = {
            "lights": {"counts": queries.counts(rows), "labels": st.LABELS, "tones": st.TONES},
            "overdue": late,
            "alerts": _alerts(project, rows, late),
        }
    return facts


def _alerts(project, rows, late: int) -> list[dict]:
    url = url_for("indicators.index", project_id=project.id)
    alerts = []
    off = sum(r.status == st.OFF_TRACK for r in rows)
    if off:
        text = ngettext("%(num)d indicateur en retard", "%(num)d indicateurs en retard", off)
        alerts.append({"text": text, "url": url, "level": "danger"})
    if late:
        text = ngettext(
            "%(num)d mesure à saisir en retard", "%(num)d mesures à saisir en retard", late
        )
        alerts.append({"text": text, "url": url, "level": "warn"})
    questions = sum(r.open_questions for r in rows)
    if questions:
        text = ngettext(
            "%(num)d question de l'évaluation en attente",
            "%(num)d questions de l'évaluation en attente",
            questions,
        )
        alerts.append({"text": text, "url": url, "level": "warn"})
    return alerts


def calendar_items(project) -> list[dict]:
    """Due dates of the measurements not yet entered (reporting calendar and reminders)."""
    return queries.due_items(project, queries.rows(project.id))


def resolve_indicator(project, object_id):
    ind = db.session.get(Indicator, object_id)
    return ind if ind is not None and ind.project_id == project.id else None


def resolve_measurement(project, object_id):
    m = db.session.get(Measurement, object_id)
    return m if m is not None and m.project_id == project.id else None


def indicator_url(ind) -> str:
    return url_for("indicators.detail", project_id=ind.project_id, indicator_id=ind.id)


def measurement_url(m) -> str:
    return indicator_url(m.indicator) + f"#measurement-{m.id}"


def measurement_label(m) -> str:
    return f"{m.indicator.name} — {period_label(m.period)}"
