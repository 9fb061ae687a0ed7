"""The bilan's qualitative part: written by the coordination for a period, refused to others,
protected against a stale edit, printed in the report of that period only."""

from __future__ import annotations

import io
import re

import pytest

from plugins.dashboard.models import ReportNarrative
from tests.jobs import generate_report
from workspace.extensions import db
from workspace.models import Activity

TEXTS = {
    "actions": "Convention constitutive rédigée avec l'avocat.",
    "difficulties": "Calendrier des conseils d'administration.",
    "next_steps": "Assemblée constitutive en janvier.",
}


def _save(client, project, period="2026", version="", **texts):
    return client.post(
        f"/projects/{project.id}/dashboard/reports/narrative",
        data={"period": period, "version": version, **TEXTS, **texts},
    )


def test_the_coordination_writes_it_and_the_report_prints_it(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["coordinator"])
    page = client.get(f"/projects/{project.id}/dashboard/reports?period=2026").text
    assert "Bilan qualitatif — année 2026" in page and 'name="actions"' in page
    r = _save(client, project)
    assert r.status_code == 302 and "period=2026" in r.headers["Location"]
    row = db.session.scalar(db.select(ReportNarrative))
    assert (row.period, row.actions, row.updated_by_id) == (
        "2026",
        TEXTS["actions"],
        people["coordinator"].id,
    )
    assert db.session.scalar(db.select(Activity).filter_by(verb="report:narrative")) is not None
    # others read it on the page
    funder_page = (
        login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/reports?period=2026").text
    )
    assert 'name="actions"' not in funder_page and TEXTS["next_steps"] in funder_page
    # the report of that period prints it after the stage; another period does not
    report = (
        login_as(people["funder"])
        .get(f"/projects/{project.id}/dashboard/reports/view?period=2026")
        .text
    )
    part = report.split("Bilan qualitatif")[1]
    assert "Actions réalisées" in part and "Convention constitutive rédigée" in part
    assert report.index("Étape du projet") < report.index("Bilan qualitatif")
    other = (
        login_as(people["funder"])
        .get(f"/projects/{project.id}/dashboard/reports/view?period=2026-S1")
        .text
    )
    assert "Bilan qualitatif" not in other


def test_the_docx_has_it(roles_project, login_as):
    from docx import Document

    project, people = roles_project
    _save(login_as(people["coordinator"]), project)
    r = generate_report(login_as(people["funder"]), project, "2026", "docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.data)).paragraphs)
    assert "Bilan qualitatif" in text and TEXTS["difficulties"] in text


@pytest.mark.parametrize("who", ["director", "adviser", "evaluator", "funder", "outsider"])
def test_only_the_coordination_writes_it(roles_project, login_as, who):
    project, people = roles_project
    r = _save(login_as(people[who]), project)
    assert r.status_code == (404 if who == "outsider" else 403)
    assert db.session.scalar(db.select(db.func.count(ReportNarrative.id))) == 0


def test_a_stale_edit_is_a_conflict_and_bad_input_is_kept(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["coordinator"])
    _save(client, project)
    _save(client, project, version="1", actions="Deuxième version")
    r = _save(client, project, version="1", actions="Écrasement")
    assert r.status_code == 409
    assert db.session.scalar(db.select(ReportNarrative)).actions == "Deuxième version"
    r = _save(client, project, version="2", actions="x" * 5001)
    assert r.status_code == 400 and "5000 caractères au plus" in r.text.replace("\u202f", " ")
    assert re.search(r"<textarea[^>]*name=\"actions\"[^>]*>\s*x{5001}", r.text)  # nothing lost
    assert _save(client, project, period="2031-Q9").status_code == 400
