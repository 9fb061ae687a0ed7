"""The milestones section of the funder report: dates, status and the review records."""

from datetime import date

from flask import current_app

from workspace.plugins import call_hook

from .conftest import make_milestone

YEAR = {"key": "2026", "label": "année 2026", "start": date(2026, 1, 1), "end": date(2026, 12, 31)}


def sections(project, period=YEAR):
    with current_app.test_request_context():
        found = [
            s for res in call_hook("report_sections", project=project, period=period) for s in res
        ]
    return {s["title"]: s for s in found}


def test_milestone_section_lists_milestones_and_reviews(roles_project):
    project, people = roles_project
    make_milestone(project, people, "returned")
    make_milestone(project, people, title="Assemblée constitutive", planned_date=None)
    section = sections(project)["Jalons et validations"]
    assert section["order"] == 20
    html = str(section["html"])
    for expected in (
        "Projet de convention constitutive",
        "15 décembre 2026",
        "À reprendre",
        "Assemblée constitutive",
        "Prévu",
        "Soumis pour validation",
        "Voici la version 3.",
        "Renvoyé « à reprendre »",
        people["adviser"].name,
        "Il manque l",
    ):
        assert expected in html, expected
    # The milestone without a date comes last.
    assert html.index("Projet de convention") < html.index("Assemblée constitutive")


def test_reviews_after_the_period_are_left_out(roles_project):
    project, people = roles_project
    make_milestone(project, people, "returned")
    past = {
        "key": "2025",
        "label": "année 2025",
        "start": date(2025, 1, 1),
        "end": date(2025, 12, 31),
    }
    html = str(sections(project, past)["Jalons et validations"]["html"])
    assert "Projet de convention constitutive" in html and "Voici la version 3." not in html


def test_no_milestone_no_section(roles_project):
    project, _people = roles_project
    assert "Jalons et validations" not in sections(project)
