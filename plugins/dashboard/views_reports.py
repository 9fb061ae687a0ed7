"""Report pages: choose a period, preview the printable HTML, generate PDF / DOCX (logged)."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workspace.cache import fragments
from workspace.events import publish
from workspace.extensions import db, htmx
from workspace.forms.conflicts import check_version
from workspace.jobs import enqueue
from workspace.permissions import can, requires
from workspace.web.feedback import toast

from . import periods, report_jobs, reports  # noqa: F401 - report_jobs: its job handler
from .models import Report, ReportNarrative
from .narrative import PARTS, form_for, narrative_of
from .views import bp


def _period_or_400(text: str) -> dict:
    try:
        return periods.parse(text)
    except ValueError as exc:
        abort(400, str(exc))


@bp.route("/reports")
@requires("dashboard.view")
def reports_page(project_id: int):
    return _page()


@bp.route("/reports/log")
@requires("dashboard.view")
def report_log(project_id: int):
    """The list of generated reports alone (its live refresh)."""
    return render_template("dashboard/_report_log.html", log=_log())


def _log() -> list[Report]:
    return db.session.scalars(
        db.select(Report).filter_by(project_id=g.project.id).order_by(Report.id.desc()).limit(30)
    ).all()


def _page(error: str | None = None, status: int = 200, narrative_form=None):
    log = _log()
    period = (request.values.get("period") or periods.default_period())[:10]
    try:
        label = periods.parse(period)["label"]
    except ValueError:
        label = period
    writer = can(current_user, g.project, "dashboard.narrative")
    narrative = narrative_of(g.project.id, period)
    return render_template(
        "dashboard/reports.html",
        choices=periods.choices(g.project),
        period=period,
        period_label=label,
        log=log,
        error=error,
        narrative_form=narrative_form or (form_for(narrative, period) if writer else None),
        narrative=narrative,
    ), status


@bp.route("/reports/view")
@requires("dashboard.view")
def report_html(project_id: int):
    """The printable report in the browser (print it or save it as PDF from there); reused
    while the project's data is unchanged, per period, for viewers with the same roles."""
    period = _period_or_400(request.args.get("period", periods.default_period()))
    project = g.project
    return fragments.page_body(
        "report", project, lambda: reports.html(project, period, printable=True), period["key"]
    )


@bp.route("/reports/generate", methods=["POST"])
@requires("dashboard.report")
def generate(project_id: int):
    """Ask for the report file: a background job builds it (PDF rendering takes seconds);
    the answer is immediate (202) and shows the job, polled until the file is ready."""
    fmt = request.form.get("format", "pdf")
    try:
        period = periods.parse(request.form.get("period", ""))
    except ValueError as exc:
        return _refused(str(exc))
    if fmt not in reports.FORMATS:
        return _refused(_("Format inconnu : choisissez PDF ou DOCX."))
    job = enqueue("dashboard.report", current_user, g.project, period=period["key"], format=fmt)
    db.session.commit()
    if htmx:
        return render_template("dashboard/_report_result.html", job=job), 202
    return redirect(url_for("jobs.show", job_id=job.id), 303)


def _refused(error: str):
    if htmx:
        return render_template("dashboard/_report_result.html", error=error), 400
    return _page(error, 400)


@bp.route("/reports/narrative", methods=["POST"])
@requires("dashboard.narrative")
def save_narrative(project_id: int):
    try:
        period = periods.parse(request.form.get("period", ""))
    except ValueError as exc:
        return _page(str(exc), 400)
    row = narrative_of(project_id, period["key"])
    form = form_for(row, period["key"], formdata=request.form)
    if not form.validate():
        return _page(None, 400, narrative_form=form)
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
