"""The checklists section of the funder report: the widget's progress, overall and per area."""

from datetime import date

from flask import current_app

from plugins.checklists import operations, queries
from workspace.extensions import db
from workspace.models import Area
from workspace.plugins import call_hook

YEAR = {"key": "2026", "label": "année 2026", "start": date(2026, 1, 1), "end": date(2026, 12, 31)}


def sections(project):
    with current_app.test_request_context():
        found = [
            s for res in call_hook("report_sections", project=project, period=YEAR) for s in res
        ]
    return {s["title"]: s for s in found}


def test_checklist_section_shows_overall_and_area_progress(cl):
    project, people, items = cl
    for item in items[:3]:
        operations.set_status(item, people["director"], "fait")
    operations.set_status(
        items[3], people["director"], "non_applicable", "Pas de personnel transféré."
    )
    db.session.commit()
    by_area = queries.progress_by_area(project.id)
    total = queries.overall(by_area)
    assert total.done == 3
    section = sections(project)["Avancement des checklists"]
    assert section["order"] == 30
    html = str(section["html"])
    expected = f"Ensemble : 3 sur {total.applicable} éléments faits ({total.percent} %)."
    assert expected in html
    for area in Area:
        p = by_area[area.value]
        row = f"<td>{area.label}</td><td>{p.done}</td><td>{p.applicable}</td><td>{p.percent} %</td>"
        assert row in html, row


def test_no_checklist_no_section(roles_project):
    project, _people = roles_project
    assert "Avancement des checklists" not in sections(project)
