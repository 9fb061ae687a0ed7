"""The indicators list's body served from the fragment cache: after any kind of change,
exactly what a fresh render shows; the filter and the right to add are part of its key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.indicators import operations
from tests.fragments import assert_cache_follows, page
from tests.plugins.indicators.conftest import make_indicator, make_measurement

CHANGES = {
    "measurement added": lambda p, pe, ind, m: make_measurement(
        ind, pe["director"], period="2026-T2", value="93"
    ),
    "measurement accepted": lambda p, pe, ind, m: operations.review(
        ind, pe["evaluator"], "accepted", measurement=m
    ),
    "question asked": lambda p, pe, ind, m: operations.review(
        ind, pe["evaluator"], "questioned", "D'où vient ce chiffre ?", measurement=m
    ),
    "indicator renamed": lambda p, pe, ind, m: operations.update_indicator(
        ind, pe["director"], name="Taux de remplacement", target_value=Decimal("99")
    ),
    "status adjusted": lambda p, pe, ind, m: operations.override_status(
        ind, pe["evaluator"], "at_risk", "Données partielles"
    ),
    "indicator added": lambda p, pe, ind, m: make_indicator(
        p, pe["director"], name="Heures mutualisées"
    ),
    "indicator deleted": lambda p, pe, ind, m: operations.delete_indicator(ind, pe["director"]),
}
#: Changes the detail page of the indicator does not show (another one added; it is gone).
OTHER_PAGES = ("indicator added", "indicator deleted")


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("who", ["director", "evaluator", "funder"])
def test_after_any_change_the_cached_list_is_the_fresh_list(setup, login_as, app, name, who):
    project, people, ind, m = setup
    client = login_as(people[who])
    path = f"/projects/{project.id}/indicators/"
    assert_cache_follows(app, client, path, lambda: CHANGES[name](project, people, ind, m))


def test_filter_and_rights_are_part_of_the_key(setup, login_as):
    project, people, ind, _m = setup
    make_indicator(project, people["director"], name="Charge administrative", area="gestion")
    director, funder = login_as(people["director"]), login_as(people["funder"])
    path = f"/projects/{project.id}/indicators/"
    assert "Charge administrative" in page(director, path)
    filtered = page(director, path + "?area=pilotage")
    assert "Charge administrative" not in filtered and ind.name in filtered
    empty = path + "?area=rh"  # no indicator there: the empty state, its link for editors
    library = f"/projects/{project.id}/indicators/library"
    assert library in page(director, empty)
    assert library not in page(funder, empty)


@pytest.mark.parametrize("name", [n for n in CHANGES if n not in OTHER_PAGES])
@pytest.mark.parametrize("who", ["director", "evaluator", "funder"])
def test_after_any_change_the_cached_detail_is_the_fresh_detail(setup, login_as, app, name, who):
    project, people, ind, m = setup
    client = login_as(people[who])
    path = f"/projects/{project.id}/indicators/{ind.id}"
    assert_cache_follows(app, client, path, lambda: CHANGES[name](project, people, ind, m))


def test_the_detail_s_forms_and_discussion_are_the_viewer_s(setup, login_as):
    """Rights are part of the key; the indicator's discussion (own comments) is not cached."""
    from plugins.comments import operations as comments

    project, people, ind, m = setup
    path = f"/projects/{project.id}/indicators/{ind.id}"
    evaluator, funder = login_as(people["evaluator"]), login_as(people["funder"])
    review = f"/indicators/{ind.id}/measurements/{m.id}/review"
    assert review in page(evaluator, path)
    assert review not in page(funder, path)
    assert "<canvas data-chart" in page(funder, path) and "chart.umd" in page(funder, path)
    comments.post_comment(project, people["evaluator"], "indicator", ind.id, "Source à préciser")
    from workspace.extensions import db

    db.session.commit()
    assert "Source à préciser" in page(funder, path)
