"""The whole plan as DOCX and PDF: the basis of the aid request and of the draft agreement.

Both start from the same content (:func:`content`): the project, its partners, the date, the
version (a saved one, or « version de travail » for the plan as it is), and each section's
blocks. The PDF is the print template through WeasyPrint (no remote fetch); the DOCX is built
with python-docx, paragraph by paragraph, with the same formats.
"""

from __future__ import annotations

import io
from datetime import date

from flask import Response, abort, g, render_template, request
from flask_babel import gettext as _

from workspace.extensions import db
from workspace.forms.input_guard import xml_safe
from workspace.permissions import requires
from workspace.web.formats import long_date
from workspace.web.pdf import pdf_from_html

from . import render
from . import versions as v
from .models import PlanVersion
from .views import bp

DOCX_STYLES = {"h3": "Heading 3", "h4": "Heading 4", "quote": "Quote"}
DOCX_LISTS = {"ul": "List Bullet", "ol": "List Number"}
TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def content(project, version: PlanVersion | None) -> dict:
    entries = version.snapshot if version else v.snapshot(project.id)
    sections = [(e["title"], render.typeset(v.blocks_of(e))) for e in entries]
    return {
        "project": project,
        "partners": sorted(o.name for o in project.partners),
        "version": version.name if version else _("Version de travail"),
        "day": version.created_at.date() if version else date.today(),
        "sections": [(title, lines, render.to_html(lines)) for title, lines in sections],
    }


def pdf(ctx: dict) -> bytes:
    return pdf_from_html(render_template("plan/print.html", **ctx))


def docx(ctx: dict) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "DejaVu Sans"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(_("Plan de projet"), level=0)
    doc.add_heading(xml_safe(ctx["project"].name), level=1)
    doc.add_paragraph(xml_safe(_("Partenaires : %(names)s", names=", ".join(ctx["partners"]))))
    doc.add_paragraph(
        xml_safe(f"{ctx['version']} — {long_date(ctx['day'])}"), style="Intense Quote"
    )
    for n, (title, lines, _html) in enumerate(ctx["sections"], start=1):
        doc.add_heading(xml_safe(f"{n}. {title}"), level=2)
        if not lines:
            doc.add_paragraph(_("Pas encore de texte."))
        for line in lines:
            style = DOCX_STYLES.get(line.kind) or DOCX_LISTS.get(line.kind)
            paragraph = doc.add_paragraph(style=style)
            for text, formats in line.runs:
                run = paragraph.add_run(xml_safe(text))
                run.bold = formats.get("bold") or None
                run.italic = formats.get("italic") or None
                run.underline = formats.get("underline") or None
                run.font.strike = formats.get("strike") or None
                if "link" in formats:
                    paragraph.add_run(xml_safe(f" ({formats['link']})"))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@bp.route("/export.<fmt>")
@requires("plan.view")
def export(project_id: int, fmt: str):
    """The whole plan, or ``?version=<id>``, as ``pdf`` or ``docx``."""
    if fmt not in TYPES:
        abort(404)
    version = None
    if request.args.get("version"):
        version = db.session.get(PlanVersion, request.args.get("version", type=int) or 0)
        if version is None or version.project_id != project_id:
            abort(404)
    ctx = content(g.project, version)
    body = pdf(ctx) if fmt == "pdf" else docx(ctx)
    name = f"plan-projet-{project_id}-{ctx['day'].isoformat()}.{fmt}"
    return Response(
        body,
        mimetype=TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
