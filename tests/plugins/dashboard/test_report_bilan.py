"""The report as the bilan that conditions the start-up aid: the beneficiary and its SIRET,
the aid's conditions with the date of the parties' agreement, the use of the aid with each
expense's supporting document, the adviser's selection criteria, and « Certifié exact »."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from flask import current_app
from werkzeug.datastructures import FileStorage

from plugins.funding import operations as funding_ops
from plugins.milestones import operations as ms_ops
from tests.jobs import generate_report
from tests.plugins.funding.conftest import make_line
from workspace.extensions import db
from workspace.models import utcnow

VALID_SIRET = "73282932000074"


def _bilan(project, people):
    coordinator = people["coordinator"]
    coordinator.organisation.siret = VALID_SIRET
    coordinator.organisation.town = "Apt"
    with current_app.test_request_context():
        m = ms_ops.create_milestone(project, coordinator, title="Accord", is_agreement=True)
        ms_ops.submit(m, coordinator, "Signé")
        ms_ops.validate(m, people["adviser"])
        db.session.commit()
    line = make_line(project, coordinator, status="granted", amount_granted=Decimal("12000.00"))
    with current_app.test_request_context():
        funding_ops.add_expense(
            line,
            coordinator,
            spent_on=date(2026, 5, 4),
            supplier="Cabinet Juris Sud",
            description="Statuts du groupement",
            amount=Decimal("4800.00"),
            file_storage=FileStorage(
                io.BytesIO(b"%PDF-1.4 facture"), "facture-juris.pdf", content_type="application/pdf"
            ),
        )
        funding_ops.save_criteria(
            project,
            people["adviser"],
            complexity="Trois structures, 420 salariés.",
            economies="Une astreinte au lieu de trois.",
            service="Réponse la nuit et le week-end.",
        )
        db.session.commit()


def test_the_printable_bilan_has_what_the_funder_needs(roles_project, login_as):
    project, people = roles_project
    _bilan(project, people)
    html = (
        login_as(people["funder"])
        .get(f"/projects/{project.id}/dashboard/reports/view?period=2026")
        .text
    )
    org = people["coordinator"].organisation.name
    assert "Bénéficiaire (structure porteuse)" in html and f"{org}, Apt" in html
    assert "732 829 320 00074" in html
    assert "Claire Coordinatrice — Direction partenaire, coordination du projet" in html
    today = utcnow().date()
    assert "Aide au démarrage : conditions" in html
    assert "ni renouvelable ni reconductible, d'un montant compris entre 6" in html
    assert f"accord du {today.day}" in html  # the day the adviser validated it
    assert "À rembourser si le groupement" in html
    assert "Cabinet Juris Sud" in html and "facture-juris.pdf" in html
    assert "Reste à employer" in html
    assert "Une astreinte au lieu de trois." in html
    cert = html.split('class="certification"')[1]
    assert "Certifié exact" in cert and "Claire Coordinatrice" in cert and "Signature" in cert


def test_the_docx_bilan_is_certified(roles_project, login_as):
    from docx import Document

    project, people = roles_project
    _bilan(project, people)
    r = generate_report(login_as(people["funder"]), project, "2026", "docx")
    doc = Document(io.BytesIO(r.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Certifié exact" in text
    assert "732 829 320 00074" in cells and "Claire Coordinatrice" in cells
    assert "facture-juris.pdf" in cells


def test_without_a_coordinator_or_an_aid_nothing_breaks(roles_project, login_as):
    project, people = roles_project
    for m in project.memberships:
        m.coordinator = False
    db.session.commit()
    r = login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/reports/view?period=2026")
    assert r.status_code == 200
    assert "Certifié exact" in r.text and "Aide au démarrage : conditions" not in r.text
