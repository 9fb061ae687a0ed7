"""Funder reports (« bilans »): printable HTML, PDF (WeasyPrint) and DOCX (python-docx).

The report assembles the sections that plugins return from the hook
``report_sections(project, period)`` → ``[{"title", "html", "order"?}]`` where ``period`` is
``{"key", "label", "start", "end"}`` (see periods.py). The dashboard itself knows no plugin.
"""

from __future__ import annotations

import hashlib
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
    from .narrative import report_parts

    return {
        "narrative": report_parts(project.id, period["key"]),
        "beneficiary": beneficiary(project),
        "project": project,
        "period": period,
        "funders": funders,
        "advisers": advisers,
        "evaluators": evaluators,
        "sections": sections,
        "generated_at": utcnow(),
    }


def beneficiary(project) -> dict | None:
    """Who receives the aid and signs the report: the lead organisation — the coordinator's
    (the first one named) — with its SIRET, and the coordinator as its representative."""
    lead = db.session.execute(
        db.select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project.id, Membership.coordinator.is_(True))
        .order_by(Membership.id)
        .limit(1)
    ).first()
    if lead is None:
        return None
    user, membership = lead
    org = user.organisation
    siret = org.siret or ""
    return {
        "organisation": org.name,
        "town": org.town,
        "siret": " ".join((siret[:3], siret[3:6], siret[6:9], siret[9:])) if siret else "",
        "representative": user.name,
        "quality": _("%(role)s, coordination du projet", role=membership.role_label),
    }


def html(project, period: dict, printable: bool = True) -> str:
    return render_template("dashboard/report.html", printable=printable, **context(project, period))


def pdf(project, period: dict, source: str | None = None) -> bytes:
    # No remote fetches: the report is self-contained (inline SVG, system fonts).
    return pdf_from_html(source or html(project, period, printable=False))


def docx(project, period: dict) -> bytes:
    from .report_docx import build

    return build(context(project, period))


def generate(project, actor, period: dict, fmt: str, progress=None) -> tuple[Report, bool]:
    """Build the file, store it, log the generation (``report:generated``); ``(report,
    reused)``. Asking again for a report whose content has not changed (same period, format,
    data, day) is not a project write: the stored one is returned, nothing is added.
    ``progress(percent)`` is told how far it got (the background job shows it)."""
    progress = progress or (lambda percent: None)
    started = time.perf_counter()
    source = html(project, period, printable=False)
    progress(30)
    digest = hashlib.sha256(f"{fmt}\n{source}".encode()).hexdigest()
    same = db.session.scalar(
        db.select(Report)
        .filter_by(project_id=project.id, period=period["key"], format=fmt, content_hash=digest)
        .order_by(Report.id.desc())
    )
    if same is not None:
        return same, True
    data = pdf(project, period, source) if fmt == "pdf" else docx(project, period)
    progress(90)
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
        content_hash=digest,
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
    return report, False


class _Lazy:
    """The activity summary, rendered by publish() in French and in English."""

    def __init__(self, period: str, fmt: str):
        self.period, self.fmt = period, fmt

    def __str__(self) -> str:
        return _("a généré le bilan %(period)s (%(fmt)s)", period=self.period, fmt=self.fmt.upper())
