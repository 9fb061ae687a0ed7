"""Funder reports (« bilans »): printable HTML, PDF (WeasyPrint) and DOCX (python-docx).

The report assembles the sections that plugins return from the hook
``report_sections(project, period)`` → ``[{"title", "html", "order"?}]`` where ``period`` is
``{"key", "label", "start", "end"}`` (see periods.py). The dashboard itself knows no plugin.
"""

from __future__ import annotations

import io
import time

from flask import render_template
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from workspace.events import publish
from workspace.extensions import db
from workspace.models import Membership, Organisation, User, utcnow
from workspace.plugins import call_hook
from workspace.web.pdf import pdf_from_html
from workspace.web.uploads import store_upload

from .models import Report

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def context(project, period: dict) -> dict:
    """What the report shows: cover (project, partners, funder, adviser), summary, sections."""
    members = db.session.execute(
        db.select(Membership.role, Organisation)
        .join(User, User.id == Membership.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Membership.project_id == project.id)
    ).all()
    funders = sorted({o.name for role, o in members if role == "funder"})
    advisers = sorted({o.name for role, o in members if role == "adviser"})
    evaluators = sorted({o.name for role, o in members if role == "evaluator"})
    sections = [
        s for res in call_hook("report_sections", project=project, period=period) for s in res
    ]
    sections.sort(key=lambda s: s.get("order", 50))
    return {
        "project": project,
        "period": period,
        "funders": funders,
        "advisers": advisers,
        "evaluators": evaluators,
        "sections": sections,
        "generated_at": utcnow(),
    }


def html(project, period: dict, printable: bool = True) -> str:
    return render_template("dashboard/report.html", printable=printable, **context(project, period))


def pdf(project, period: dict) -> bytes:
    # No remote fetches: the report is self-contained (inline SVG, system fonts).
    return pdf_from_html(html(project, period, printable=False))


def docx(project, period: dict) -> bytes:
    from .report_docx import build

    return build(context(project, period))


def generate(project, actor, period: dict, fmt: str) -> Report:
    """Build the file, store it, log the generation (``report:generated``)."""
    started = time.perf_counter()
    data = pdf(project, period) if fmt == "pdf" else docx(project, period)
    name = f"bilan-{period['key']}.{fmt}"
    stored = store_upload(
        project, FileStorage(io.BytesIO(data), filename=name, content_type=FORMATS[fmt]), actor
    )
    report = Report(
        project_id=project.id,
        period=period["key"],
        format=fmt,
        file_id=stored.id,
        generated_by_id=actor.id,
        duration_ms=int((time.perf_counter() - started) * 1000),
    )
    db.session.add(report)
    db.session.flush()
    from flask import url_for

    publish(
        "report:generated",
        project,
        actor,
        _Lazy(period["key"], fmt),
        object_id=report.id,
        keys=["reports"],
        data={
            "url": url_for("dashboard.reports_page", project_id=project.id),
            "format": fmt,
            "period": period["key"],
        },
    )
    return report


class _Lazy:
    """The activity summary, rendered by publish() in French and in English."""

    def __init__(self, period: str, fmt: str):
        self.period, self.fmt = period, fmt

    def __str__(self) -> str:
        return _("a généré le bilan %(period)s (%(fmt)s)", period=self.period, fmt=self.fmt.upper())
