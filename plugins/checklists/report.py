"""The checklists section of the funder report (hook ``report_sections``)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from workspace.models import Area

from . import queries
from .operations import setup_of


def report_sections(project, period) -> list[dict]:
    """Done / applicable items overall and per area, with the widget's progress arithmetic.

    Item statuses keep no history, so the figures are those of the day the report is made.
    """
    if setup_of(project) is None:
        return []
    by_area = queries.progress_by_area(project.id)
    html = render_template(
        "checklists/_report.html",
        by_area=by_area,
        overall=queries.overall(by_area),
        areas=list(Area),
    )
    return [{"title": _("Avancement des checklists"), "html": html, "order": 30}]
