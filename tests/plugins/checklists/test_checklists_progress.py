"""Progress = done / applicable items; non-applicable items leave the count."""

from __future__ import annotations

from plugins.checklists import operations, queries
from plugins.checklists.queries import Progress, progress_of
from workspace.extensions import db


def test_arithmetic_excludes_non_applicable():
    p = progress_of(["fait", "fait", "en_cours", "a_faire", "non_applicable", "non_applicable"])
    assert (p.done, p.applicable, p.not_applicable, p.total) == (2, 4, 2, 6)
    assert p.ratio == 0.5 and p.percent == 50


def test_all_non_applicable_or_empty_is_zero_not_a_division_error():
    assert progress_of(["non_applicable"]).percent == 0
    assert progress_of([]).ratio == 0.0


def test_rounding_and_sum():
    assert progress_of(["fait", "a_faire", "a_faire"]).percent == 33
    total = Progress(1, 3, 0) + Progress(2, 2, 1)
    assert (total.done, total.applicable, total.not_applicable) == (3, 5, 1)


def test_progress_by_area_and_overall_from_the_database(cl):
    project, people, items = cl
    actor = people["director"]
    strategie = [i for i in items if i.section.area == "strategie"]
    rh = [i for i in items if i.section.area == "rh"]
    operations.set_status(strategie[0], actor, "fait")
    operations.set_status(strategie[1], actor, "fait")
    operations.set_status(strategie[2], actor, "non_applicable", "Pas concerné")
    operations.set_status(strategie[3], actor, "en_cours")
    operations.set_status(rh[0], actor, "fait")
    db.session.commit()

    by_area = queries.progress_by_area(project.id)
    s = by_area["strategie"]
    assert (s.done, s.applicable, s.not_applicable) == (2, len(strategie) - 1, 1)
    assert by_area["rh"].done == 1 and by_area["rh"].applicable == len(rh)
    assert by_area["pilotage"].done == 0
    total = queries.overall(by_area)
    assert total.done == 3
    assert total.applicable == len(items) - 1
    sections = queries.progress_by_section(project.id)
    first = strategie[0].section_id
    assert sections[first].done == 2


def test_a_project_without_checklists_has_empty_progress(roles_project):
    project, _ = roles_project
    by_area = queries.progress_by_area(project.id)
    assert set(by_area) == {"strategie", "rh", "gestion", "pilotage"}
    assert queries.overall(by_area).total == 0


def test_page_shows_bars_with_text(cl, login_as):
    project, people, items = cl
    operations.set_status(items[0], people["director"], "fait")
    db.session.commit()
    html = login_as(people["funder"]).get(f"/projects/{project.id}/checklists/").text
    assert 'role="progressbar"' in html
    assert f"1 sur {len(items)} faits" in html
    assert 'role="tablist"' in html and html.count('role="tab"') == 4
