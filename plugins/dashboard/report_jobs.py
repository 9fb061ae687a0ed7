"""The report file is built by a background job (``dashboard.report``): PDF rendering takes
seconds and would hold the web worker that serves everyone (issue 20)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workspace.extensions import db
from workspace.jobs import JobError, handler
from workspace.models import Project
from workspace.permissions import can

from . import periods, reports


@handler("dashboard.report", timeout=300)
def build_report(job, progress) -> dict:
    """Build (or find unchanged) the report of ``job.params`` = ``{period, format}``."""
    project = db.session.get(Project, job.project_id) if job.project_id else None
    if project is None or not can(current_user, project, "dashboard.report"):
        raise JobError(_("Vous ne pouvez plus générer de bilan pour ce projet."))
    try:
        period = periods.parse(job.params.get("period", ""))
    except ValueError as exc:
        raise JobError(str(exc)) from None
    fmt = job.params.get("format")
    if fmt not in reports.FORMATS:
        raise JobError(_("Format inconnu : choisissez PDF ou DOCX."))
    report, reused = reports.generate(project, current_user, period, fmt, progress=progress)
    return {
        "report_id": report.id,
        "reused": reused,
        "message": _("Bilan inchangé depuis sa dernière génération : le voici.")
        if reused
        else _("Le bilan est prêt."),
        "download": {
            "project_id": project.id,
            "file_id": report.file_id,
            "name": report.file.original_name,
        },
        "back": url_for("dashboard.reports_page", project_id=project.id, period=period["key"]),
    }


def _describe(job):
    fmt = str(job.params.get("format", "")).upper()
    return _l("le bilan %(period)s (%(fmt)s)", period=job.params.get("period", ""), fmt=fmt)


build_report.describe = _describe
