"""The qualitative part of the bilan (actions carried out, difficulties, next steps): written by
the coordination for a period on the reports page (views_reports.save_narrative), printed in
the report and its DOCX."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Optional

from workspace.extensions import db
from workspace.forms.fields import max_len

from .models import NARRATIVE_MAX, ReportNarrative

PARTS = ("actions", "difficulties", "next_steps")


class NarrativeForm(FlaskForm):
    period = HiddenField()
    version = HiddenField()
    actions = TextAreaField(
        _l("Actions réalisées"), validators=[Optional(), max_len(NARRATIVE_MAX)]
    )
    difficulties = TextAreaField(
        _l("Difficultés rencontrées"), validators=[Optional(), max_len(NARRATIVE_MAX)]
    )
    next_steps = TextAreaField(
        _l("Prochaines étapes"), validators=[Optional(), max_len(NARRATIVE_MAX)]
    )


def narrative_of(project_id: int, period_key: str) -> ReportNarrative | None:
    return db.session.scalar(
        db.select(ReportNarrative).filter_by(project_id=project_id, period=period_key)
    )


def form_for(row: ReportNarrative | None, period_key: str, formdata=None) -> NarrativeForm:
    """The form of the period's text (``row``: what is stored, None before the first save)."""
    form = NarrativeForm(formdata=formdata, obj=row)
    form.period.data = period_key
    if formdata is None:
        form.version.data = str(row.version) if row else ""
    return form


def report_parts(project_id: int, period_key: str) -> list[tuple[str, str]]:
    """What the report prints of it: ``[(heading, text)]``, empty when nothing is written."""
    row = narrative_of(project_id, period_key)
    if row is None or not row.written:
        return []
    return [
        (_("Actions réalisées"), row.actions),
        (_("Difficultés rencontrées"), row.difficulties),
        (_("Prochaines étapes"), row.next_steps),
    ]
