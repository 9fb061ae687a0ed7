"""CSV and XLSX export of the indicators and their measurements."""

from __future__ import annotations

import csv
import io

from flask import Response, g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workspace.extensions import db
from workspace.forms.input_guard import xml_safe
from workspace.jobs import JobError, enqueue, handler
from workspace.jobs.files import new_file
from workspace.jobs.views import started
from workspace.models import Project, area_label, utcnow
from workspace.permissions import can, requires
from workspace.web.formats import spreadsheet_text

from . import queries
from . import status as st
from .models import Decision, Direction, Frequency, Kind, Measurement
from .values import period_label
from .views import bp


def _safe(value):
    """Neutralise spreadsheet formulas in text cells (CSV injection); drop the characters a
    spreadsheet (XML) cannot hold, which older data may carry."""
    return spreadsheet_text(xml_safe(value))


def _label(enum, value) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value or ""


def indicator_table(project_id: int) -> tuple[list[str], list[list]]:
    head = [
        _("Indicateur"),
        _("Domaine"),
        _("Type"),
        _("Unité"),
        _("Sens"),
        _("Référence"),
        _("Date de référence"),
        _("Cible"),
        _("Date de la cible"),
        _("Fréquence"),
        _("Organisation responsable"),
        _("Statut"),
        _("Dernière valeur acceptée"),
        _("Période"),
    ]
    body = []
    for r in queries.rows(project_id):
        i = r.indicator
        body.append(
            [
                i.name,
                str(area_label(i.area)),
                _label(Kind, i.kind),
                i.unit,
                _label(Direction, i.direction),
                float(i.baseline_value),
                i.baseline_date.isoformat(),
                float(i.target_value),
                i.target_date.isoformat(),
                _label(Frequency, i.frequency),
                i.responsible_org.name if i.responsible_org else "",
                str(st.LABELS[r.status]),
                float(r.last.value) if r.last else "",
                period_label(r.last.period) if r.last else "",
            ]
        )
    return head, body


def measurement_table(project_id: int) -> tuple[list[str], list[list]]:
    head = [
        _("Indicateur"),
        _("Période"),
        _("Fin de période"),
        _("Organisation"),
        _("Valeur"),
        _("Avis de l'évaluation"),
        _("Commentaire"),
        _("Saisie par"),
    ]
    body = []
    ms = db.session.scalars(
        db.select(Measurement)
        .filter_by(project_id=project_id)
        .order_by(Measurement.indicator_id, Measurement.period_end)
    )
    names = {i.id: i.name for i in queries.indicators_of(project_id)}
    for m in ms:
        base = [names.get(m.indicator_id, ""), m.period, m.period_end.isoformat()]
        tail = [_label(Decision, m.review_status), m.comment, m.entered_by.name]
        body.append([*base, _("Ensemble"), float(m.value), *tail])
        body += [[*base, v.organisation.name, float(v.value), *tail] for v in m.values]
    return head, body


@bp.route("/export.csv")
@requires("indicators.view")
def export_csv(project_id: int):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    head, body = measurement_table(project_id)
    writer.writerow(head)
    writer.writerows([[_safe(c) for c in row] for row in body])
    data = "\ufeff" + out.getvalue()  # BOM: spreadsheet software then reads UTF-8 correctly
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=mesures.csv"},
    )


@bp.route("/indicators.csv")
@requires("indicators.view")
def export_indicators_csv(project_id: int):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    head, body = indicator_table(project_id)
    writer.writerow(head)
    writer.writerows([[_safe(c) for c in row] for row in body])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=indicateurs.csv"},
    )


@bp.route("/export.xlsx", methods=["POST"])
@requires("indicators.view")
def export_xlsx(project_id: int):
    """Start the workbook (a job: it grows with every measurement of every indicator)."""
    job = enqueue("indicators.xlsx", current_user, g.project)
    db.session.commit()
    return started(job)


@handler("indicators.xlsx", timeout=600)
def build_workbook(job, progress) -> dict:
    """The indicators and their measurements as an XLSX workbook, the job's file."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    project = db.session.get(Project, job.project_id) if job.project_id else None
    if project is None or not can(current_user, project, "indicators.view"):
        raise JobError(_("Vous ne pouvez plus exporter les indicateurs de ce projet."))
    wb = Workbook()
    sheets = [
        (_("Indicateurs"), indicator_table(project.id)),
        (_("Mesures"), measurement_table(project.id)),
    ]
    progress(40)
    for i, (title, (head, body)) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        ws.append(head)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in body:
            ws.append([_safe(c) for c in row])
        ws.freeze_panes = "A2"
        ws.column_dimensions["A"].width = 45
    progress(80)
    name = f"indicateurs-{project.id}-{utcnow():%Y-%m-%d}.xlsx"
    with new_file(job.id, name) as target:
        wb.save(target)
    return {
        "file": {"name": name, "type": XLSX},
        "message": _("Le classeur des indicateurs est prêt."),
        "back": url_for("indicators.index", project_id=project.id),
    }


build_workbook.describe = lambda job: _l("le classeur des indicateurs (XLSX)")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
