"""Funder reports: PDF (text checked with pypdf), DOCX, printable HTML; generation is logged."""

import io

import pytest

from plugins.dashboard.models import Report
from tests.jobs import generate_report
from workspace.extensions import db
from workspace.models import Activity


def gen(client, project, period="2026", fmt="pdf", htmx=False):
    return generate_report(client, project, period, fmt, htmx)


def test_pdf_has_the_expected_headings_and_figures(dash, login_as, emitted):
    from pypdf import PdfReader

    project, people = dash
    r = gen(login_as(people["funder"]), project)
    assert r.status_code == 200 and r.data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "BILAN DU PROJET DE COOPÉRATION" in text  # the cover kicker is in capitals
    for expected in (
        project.name,
        "année 2026",
        "Partenaires",
        "Résumé",
        "Étape du projet",
        "Indicateurs et évaluation",
        "Indicateur 0",
        "85",
    ):
        assert expected in text, expected
    report = db.session.scalar(db.select(Report))
    assert (report.period, report.format, report.generated_by_id) == (
        "2026",
        "pdf",
        people["funder"].id,
    )
    log = db.session.scalar(db.select(Activity).filter_by(verb="report:generated"))
    assert log is not None and "2026" in log.summary
    assert emitted[-1]["type"] == "report:generated" and "url" in emitted[-1]


def test_report_works_without_any_section(roles_project, login_as):
    from pypdf import PdfReader

    project, people = roles_project
    r = gen(login_as(people["director"]), project, "2026-S1")
    text = PdfReader(io.BytesIO(r.data)).pages[0].extract_text()
    assert "1er semestre 2026" in text


def test_docx(dash, login_as):
    from docx import Document

    project, people = dash
    r = gen(login_as(people["adviser"]), project, "2026-T3", "docx")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert project.name in text and "Indicateurs et évaluation" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Indicateur 0" in cells


def test_htmx_generation_returns_a_download_link(dash, login_as):
    project, people = dash
    r = gen(login_as(people["evaluator"]), project, htmx=True)
    assert r.status_code == 200 and "Le bilan est prêt" in r.text
    report = db.session.scalar(db.select(Report))
    assert f"/projects/{project.id}/files/{report.file_id}" in r.text
    page = login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/reports")
    assert "bilan-2026.pdf" in page.text
    assert 'hx-indicator="#report-progress"' in page.text


@pytest.mark.parametrize(
    ("period", "fmt"), [("2026-S3", "pdf"), ("deux mille", "pdf"), ("2026", "exe"), ("", "pdf")]
)
def test_bad_input_is_400_and_nothing_logged(dash, login_as, period, fmt):
    project, people = dash
    r = gen(login_as(people["director"]), project, period, fmt)
    assert r.status_code == 400
    assert "Période invalide" in r.text or "Format inconnu" in r.text
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0
    if fmt == "pdf":  # the period is the bad part: the HTML view refuses it too
        r = login_as(people["director"]).get(
            f"/projects/{project.id}/dashboard/reports/view?period={period or 'x'}"
        )
        assert r.status_code == 400


def test_printable_html(dash, login_as):
    project, people = dash
    r = login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/reports/view?period=2026")
    assert r.status_code == 200
    assert "<svg" in r.text and "Indicateur 0" in r.text and "Imprimer" in r.text
    assert "<script" not in r.text


@pytest.mark.parametrize("who", ["anonymous", "outsider", "admin"])
def test_generation_refused_to_non_members(dash, login_as, who):
    from tests.conftest import client_for

    project, people = dash
    r = gen(client_for(who, people, login_as), project)
    assert r.status_code in ((302, 401) if who == "anonymous" else (404,))
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_the_same_report_asked_again_is_reused_not_written(dash, login_as, emitted):
    project, people = dash
    funder = login_as(people["funder"])
    first = gen(funder, project, htmx=True)
    assert first.status_code == 200
    again = gen(funder, project, htmx=True)
    assert again.status_code == 200
    assert "Bilan inchangé depuis sa dernière génération" in again.text
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 1
    generated = db.session.scalars(db.select(Activity).filter_by(verb="report:generated")).all()
    assert len(generated) == 1 and len([n for n in emitted if n["type"] == "report:generated"]) == 1
    # another format, or changed data, is a new report
    gen(funder, project, fmt="docx", htmx=True)
    from tests.plugins.dashboard.conftest import add_indicators

    add_indicators(project, people["director"], people["evaluator"], n=1, per=3)
    gen(funder, project, htmx=True)
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 3


def test_the_list_of_reports_is_a_live_fragment(dash, login_as):
    project, people = dash
    page = login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/reports").text
    assert 'data-live="reports"' in page
    gen(login_as(people["director"]), project, htmx=True)
    log = login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/reports/log")
    assert log.status_code == 200 and "bilan-2026.pdf" in log.text
    assert 'id="report-log"' in log.text
