"""Charts and the period filter in the generated reports: one chart per measured indicator in
the HTML / PDF, the same charts as pictures in the DOCX, tables limited to the period."""

import io

from lxml import html as lxml_html

from plugins.dashboard import report_png
from tests.jobs import generate_report
from tests.plugins.dashboard.conftest import add_indicators


def generate(client, project, period, fmt):
    r = generate_report(client, project, period, fmt)
    assert r.status_code == 200
    return r.data


def test_printable_html_has_one_chart_per_indicator(roles_project, login_as):
    project, people = roles_project
    add_indicators(project, people["director"], people["evaluator"], n=3, per=5)
    r = login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/reports/view?period=2024")
    root = lxml_html.fromstring(r.text)
    blocks = root.xpath('//div[@class="report-indicator" and @data-indicator]')
    assert len(blocks) == 3
    for el in blocks:
        (svg,) = el.xpath(".//svg")
        assert svg.get("aria-label") == el.xpath("./h3")[0].text.split(" — ")[0]


def test_pdf_tables_show_the_period_and_summarise_the_history(dash, login_as):
    from pypdf import PdfReader

    project, people = dash  # one indicator measured in 01/2024 and 02/2024, 85 %
    data = generate(login_as(people["funder"]), project, "2026", "pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Aucune mesure sur la période." in text
    assert "Avant la période : 2 mesures depuis 01/2024." in text
    assert "Dernière valeur acceptée : 85 % (02/2024)" in text
    assert "Cible : 95 % (01/01/2031)" in text
    data = generate(login_as(people["funder"]), project, "2024-T1", "pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Sur la période : 2 mesures, de 85 % (01/2024) à 85 % (02/2024)." in text
    assert "01/2024 85 % acceptée" in text and "02/2024 85 % acceptée" in text


def test_docx_has_one_chart_picture_per_indicator(roles_project, login_as):
    from docx import Document

    project, people = roles_project
    add_indicators(project, people["director"], people["evaluator"], n=3, per=4)
    doc = Document(io.BytesIO(generate(login_as(people["adviser"]), project, "2024", "docx")))
    assert len(doc.inline_shapes) == 3
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "valeur mesurée (trait plein)" in text and "Sur la période : 4 mesures" in text


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50" font-size="10">'
    '<rect x="100" y="0" width="100" height="50" fill="#eef2f5"/>'
    '<path d="M0 10H200 M0 40H200" stroke="#d5dce3"/>'
    '<polyline points="0,40 100,25 200,10" fill="none" stroke="#1f5f8b" stroke-width="2.5"/>'
    '<polyline points="0,34 80,34" stroke="#1e7a46" stroke-width="2" stroke-dasharray="6 4"/>'
    '<line x1="0" y1="48" x2="200" y2="48" stroke="#5a6877" stroke-dasharray="0 0"/>'
    '<circle cx="200" cy="10" r="3" fill="#1f5f8b"/>'
    '<text x="195" y="48" text-anchor="end" fill="#1c2733">12/2026</text>'
    "<foreignObject/></svg>"
)


def test_report_png_draws_the_svg_subset():
    from PIL import Image

    svg = lxml_html.fragment_fromstring(SVG)
    data = report_png.png(svg)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (400, 100)  # two pixels per SVG unit
    assert image.getpixel((10, 10)) == (255, 255, 255)  # outside the band, off the lines
    assert image.getpixel((390, 4)) == (0xEE, 0xF2, 0xF5)  # the period band
    assert image.getpixel((200, 50)) == (0x1F, 0x5F, 0x8B)  # on the value line
    assert image.getpixel((5, 20)) == (0xD5, 0xDC, 0xE3)  # the grid path
    green = [image.getpixel((x, 68)) == (0x1E, 0x7A, 0x46) for x in range(160)]
    starts = [x for x in range(160) if green[x] and (x == 0 or not green[x - 1])]
    assert starts == [0, 20, 40, 60, 80, 100, 120, 140]  # 80 units: 8 dashes of 6 on, 4 off


def test_report_png_gives_up_without_a_size():
    svg = lxml_html.fragment_fromstring('<svg viewBox="0 0 10 10"><rect width="5"/></svg>')
    assert report_png.png(svg) is None
