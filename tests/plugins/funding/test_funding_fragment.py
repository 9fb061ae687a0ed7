"""The funding page's lines and criteria served from the fragment cache: after each kind of
change, exactly what a fresh render shows; the calls (the funders' data) are always live."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from plugins.funding import operations as ops
from plugins.funding.calls import FundingCall
from tests.fragments import assert_cache_follows, in_request, page
from tests.plugins.funding.conftest import granted_line, make_line
from workspace.extensions import db

CHANGES = {
    "line added": lambda w: granted_line(w["project"], w["people"]["coordinator"]),
    "line requested": lambda w: in_request(
        lambda: ops.update_line(
            w["line"],
            w["people"]["coordinator"],
            **{**_values(w["line"]), "status": "requested"},
        )
    ),
    "line deleted": lambda w: in_request(
        lambda: ops.delete_line(w["line"], w["people"]["coordinator"])
    ),
    "criteria written": lambda w: in_request(
        lambda: ops.save_criteria(
            w["project"], w["people"]["adviser"], complexity="Trois SAAD, 400 salariés"
        )
    ),
    "funder renamed": lambda w: setattr(w["line"].funder, "name", "Département de Vaucluse"),
}


def _values(line) -> dict:
    from plugins.funding.operations import LINE_FIELDS

    return {name: getattr(line, name) for name in LINE_FIELDS}


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("who", ["coordinator", "adviser", "funder"])
@pytest.mark.parametrize("path", ["", "list"])
def test_after_any_change_the_cached_page_is_the_fresh_page(world, login_as, app, name, who, path):
    if path == "list" and name == "criteria written":
        pytest.skip("the live list shows the lines only")
    client = login_as(world["people"][who])
    url = f"/projects/{world['project'].id}/funding/{path}"
    assert_cache_follows(app, client, url, lambda: CHANGES[name](world))


def test_a_new_call_shows_at_once(world, login_as):
    """The calls are not the project's data: a call opened after the page was kept shows."""
    project, people = world["project"], world["people"]
    client = login_as(people["coordinator"])
    url = f"/projects/{project.id}/funding/"
    page(client, url)
    db.session.add(
        FundingCall(
            funder_id=people["funder"].organisation_id,
            created_by_id=people["funder"].id,
            title="Appel mutualisation 2027",
            envelope=Decimal("30000.00"),
            opens_on=date.today() - timedelta(days=1),
            closes_on=date.today() + timedelta(days=20),
        )
    )
    db.session.commit()
    assert "Appel mutualisation 2027" in page(client, url)


def test_rights_are_part_of_the_key(roles_project, login_as):
    project, people = roles_project
    url = f"/projects/{project.id}/funding/list"
    new = f"/projects/{project.id}/funding/lines/new"
    assert new in page(login_as(people["coordinator"]), url)
    assert new not in page(login_as(people["funder"]), url)
    make_line(project, people["coordinator"])
