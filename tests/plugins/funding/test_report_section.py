"""The funding section of the funder report: lines, spent and remaining, partner shares."""

from datetime import date
from decimal import Decimal

from flask import current_app

from plugins.funding import budget_ops
from plugins.funding import operations as ops
from workspace.extensions import db
from workspace.plugins import call_hook
from workspace.web.formats import money

from .conftest import make_line

YEAR = {"key": "2026", "label": "année 2026", "start": date(2026, 1, 1), "end": date(2026, 12, 31)}


def sections(project):
    with current_app.test_request_context():
        found = [
            s for res in call_hook("report_sections", project=project, period=YEAR) for s in res
        ]
    return {s["title"]: s for s in found}


def test_funding_section_lists_lines_spent_remaining_and_shares(roles_project):
    project, people = roles_project
    line = make_line(project, people["director"])
    with current_app.test_request_context():
        ops.add_expense(
            line,
            people["director"],
            spent_on=date(2026, 3, 2),
            supplier="Cabinet Durand",
            description="Statuts",
            amount=Decimal("2500.00"),
        )
        partner = project.partners[0]
        budget_ops.add_budget_item(
            project, people["director"], category="legal", label="Avocat", amount=Decimal("8000")
        )
        budget_ops.set_share_keys(
            project,
            people["director"],
            {p.id: Decimal("100") if p == partner else Decimal("0") for p in project.partners},
        )
        db.session.commit()
    section = sections(project)["Financement et dépenses"]
    assert section["order"] == 50
    html = str(section["html"])
    for expected in (
        "Conseil départemental de Vaucluse",
        "Aide au démarrage",
        "Demandé",
        money(Decimal("12000")),  # requested
        money(Decimal("2500")),  # spent
        money(Decimal("9500")),  # remaining
        "Budget par partenaire",
        f"<td>{partner.name}</td><td>100,00 %</td>",
        partner.name,
        money(Decimal("8000")),  # the partner's share of the shared costs
    ):
        assert expected in html, expected


def test_no_line_no_section(roles_project):
    project, _people = roles_project
    assert "Financement et dépenses" not in sections(project)
