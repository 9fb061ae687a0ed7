"""The report as a DOCX document: the cover, then each section's HTML turned into paragraphs,
lists and tables; a section's inline SVG charts become PNG pictures (report_png.py). Text goes
through ``xml_safe``: older data may hold control characters that XML cannot."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from flask_babel import pgettext
from lxml import html as lxml_html

from workspace.forms.input_guard import xml_safe
from workspace.web.formats import long_date

from . import report_png

HEADINGS = {"h2": 2, "h3": 3, "h4": 4}


def build(ctx: dict) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "DejaVu Sans"
    doc.styles["Normal"].font.size = Pt(10)
    project, period = ctx["project"], ctx["period"]
    doc.add_heading(_("Bilan du projet"), level=0)
    doc.add_heading(xml_safe(project.name), level=1)
    doc.add_paragraph(_("Période : %(p)s", p=period["label"]))
    _pairs(
        doc,
        [
            (_("Forme de coopération"), project.form_label),
            (_("Territoire"), project.territory or "—"),
            (_("Partenaires"), ", ".join(o.name for o in project.partners) or "—"),
            (_("Financeur"), ", ".join(ctx["funders"]) or "—"),
            (
                pgettext("report: who accompanies the project", "Accompagnement"),
                ", ".join(ctx["advisers"]) or "—",
            ),
            (_("Évaluation"), ", ".join(ctx["evaluators"]) or "—"),
            (_("Généré le"), long_date(ctx["generated_at"])),
            *_beneficiary_rows(ctx.get("beneficiary")),
        ],
    )
    doc.add_heading(_("Résumé"), level=1)
    doc.add_paragraph(xml_safe(project.summary) or "—")
    doc.add_heading(_("Étape du projet"), level=1)
    doc.add_paragraph(str(project.stage_enum.label))
    if ctx.get("narrative"):
        doc.add_heading(_("Bilan qualitatif"), level=1)
        for heading, text in ctx["narrative"]:
            doc.add_heading(xml_safe(heading), level=2)
            doc.add_paragraph(xml_safe(text) or "—")
    for section in ctx["sections"]:
        doc.add_heading(xml_safe(section["title"]), level=1)
        _html_into(doc, xml_safe(section["html"]))
    who = ctx.get("beneficiary") or {}
    doc.add_heading(_("Certification"), level=1)
    doc.add_paragraph(_("Certifié exact"))
    _pairs(
        doc,
        [
            (_("Nom"), who.get("representative", "")),
            (_("Qualité"), who.get("quality", "")),
            (_("Date"), long_date(ctx["generated_at"])),
            (_("Signature"), ""),
        ],
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _beneficiary_rows(who: dict | None) -> list[tuple[str, str]]:
    if not who:
        return []
    place = who["organisation"] + (f", {who['town']}" if who["town"] else "")
    return [
        (_("Bénéficiaire (structure porteuse)"), place),
        (_("SIRET"), who["siret"] or _("non renseigné")),
        (_("Représentant"), f"{who['representative']} — {who['quality']}"),
    ]


def _pairs(doc, rows) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = xml_safe(str(label)), xml_safe(str(value))


def _text(el) -> str:
    return xml_safe(" ".join(el.text_content().split()))


def _html_into(doc, fragment: str) -> None:
    if not fragment.strip():
        return
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    _walk(doc, root)


def _walk(doc, el) -> None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in HEADINGS:
            doc.add_heading(_text(child), level=HEADINGS[tag])
        elif tag == "p":
            doc.add_paragraph(_text(child))
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for li in child.findall("li"):
                doc.add_paragraph(_text(li), style=style)
        elif tag == "table":
            _table(doc, child)
        elif tag == "svg" or tag.endswith("}svg"):
            _picture(doc, child)
        elif tag in ("div", "section", "article"):
            _walk(doc, child)
        elif tag and _text(child):
            doc.add_paragraph(_text(child))


def _picture(doc, svg) -> None:
    """A chart as a PNG picture, at most 16 cm wide; nothing if it cannot be drawn."""
    from docx.shared import Cm

    data = report_png.png(svg)
    if data is not None:  # 0.03 cm per SVG unit: a 560-unit chart is 16 cm wide
        doc.add_picture(io.BytesIO(data), width=Cm(min(16.0, 0.03 * float(svg.get("width")))))


def _table(doc, el) -> None:
    rows = el.xpath(".//tr")
    if not rows:
        return
    width = max(len(r.xpath("./th|./td")) for r in rows)
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for r in rows:
        cells = table.add_row().cells
        for i, c in enumerate(r.xpath("./th|./td")):
            cells[i].text = _text(c)
