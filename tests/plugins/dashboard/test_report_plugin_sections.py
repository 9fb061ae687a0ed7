"""The PDF report carries the sections of the milestones, checklists and funding plugins."""

import io

from plugins.checklists import operations as cl_ops
from tests.jobs import generate_report
from tests.plugins.funding.conftest import make_line
from tests.plugins.milestones.conftest import make_milestone
from workspace.extensions import db


def test_pdf_has_the_milestones_checklists_and_funding_sections(dash, login_as):
    from pypdf import PdfReader

    project, people = dash
    make_milestone(project, people, "validated")
    cl_ops.apply_template(project, people["coordinator"], "gcsms")
    db.session.commit()
    make_line(project, people["director"])
    r = generate_report(login_as(people["funder"]), project, "2026", "pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    # Table cells wrap: compare with the whitespace (and no-break spaces) collapsed.
    text = " ".join(text.split())
    for expected in (
        "Jalons et validations",
        "Projet de convention constitutive",
        "Avancement des checklists",
        "Financement et dépenses",
        "Conseil départemental de Vaucluse",
        "12 000,00 €",
        "Indicateurs et évaluation",
    ):
        assert expected in text, expected
    # The sections follow their order: milestones, checklists, funding, indicators.
    positions = [
        text.index(t)
        for t in (
            "Jalons et validations",
            "Avancement des checklists",
            "Financement et dépenses",
            "Indicateurs et évaluation",
        )
    ]
    assert positions == sorted(positions)
