"""The qualitative part of the bilan (actions carried out, difficulties, next steps): written by
the coordination for a period on the reports page, printed in the report and its DOCX."""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Optional

from workspace.events import publish
from workspace.extensions import db
from workspace.forms.conflicts import check_version
from workspace.forms.fields import max_len
from workspace.permissions import requires
from workspace.web.feedback import toast

from . import periods
from .models import NARRATIVE_MAX, ReportNarrative
from .views import bp

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


def form_for(project_id: int, period_key: str, formdata=None) -> NarrativeForm:
    row = narrative_of(project_id, period_key)
    form = NarrativeForm(formdata=formdata, obj=row)
    form.period.data = period_key
    if formdata is None:
        form.version.data = str(row.version) if row else ""
    return form


@bp.route("/reports/narrative", methods=["POST"])
@requires("dashboard.narrative")
def save_narrative(project_id: int):
    from .views_reports import _page

    try:
        period = periods.parse(request.form.get("period", ""))
    except ValueError as exc:
        return _page(str(exc), 400)
    form = form_for(project_id, period["key"], formdata=request.form)
    if not form.validate():
        return _page(None, 400, narrative_form=form)
    row = narrative_of(project_id, period["key"])
    if row is None:
        row = ReportNarrative(project_id=project_id, period=period["key"])
        db.session.add(row)
    else:
        check_version(row, request.form.get("version"), _current(row), form=form)
    for part in PARTS:
        setattr(row, part, (getattr(form, part).data or "").strip())
    row.updated_by_id = current_user.id
    db.session.flush()
    publish(
        "report:narrative",
        g.project,
        current_user,
        _l("a rédigé le bilan qualitatif (%(p)s)", p=period["label"]),
        object_id=row.id,
        keys=["reports"],
        data={"url": url_for("dashboard.reports_page", project_id=project_id)},
    )
    db.session.commit()
    toast(_("Bilan qualitatif enregistré."))
    return redirect(url_for("dashboard.reports_page", project_id=project_id, period=period["key"]))


def _current(row: ReportNarrative) -> dict:
    return {
        _("Actions réalisées"): row.actions,
        _("Difficultés rencontrées"): row.difficulties,
        _("Prochaines étapes"): row.next_steps,
    }


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
