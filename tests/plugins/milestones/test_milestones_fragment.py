"""The milestones' timeline and list served from the fragment cache: after each kind of
change, exactly what a fresh render shows (the page and its live fragment)."""

from __future__ import annotations

from datetime import date

import pytest

from plugins.milestones import operations as ops
from tests.fragments import assert_cache_follows, in_request, page, same
from tests.plugins.milestones.conftest import make_milestone

CHANGES = {
    "created": lambda p, pe, m: make_milestone(p, pe, title="Assemblée constitutive"),
    "renamed and moved": lambda p, pe, m: ops.update_milestone(
        m, pe["director"], title="Convention signée", planned_date=date(2027, 2, 1)
    ),
    "submitted": lambda p, pe, m: ops.submit(m, pe["director"], "Relisez-la"),
    "deleted": lambda p, pe, m: ops.delete_milestone(m, pe["director"]),
    "validated": lambda p, pe, m: (
        ops.submit(m, pe["director"], "Relisez-la"),
        ops.validate(m, pe["adviser"], ""),
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("who", ["director", "adviser", "funder"])
@pytest.mark.parametrize("path", ["", "list"])
def test_after_any_change_the_cached_list_is_the_fresh_list(
    roles_project, login_as, app, name, who, path
):
    project, people = roles_project
    m = make_milestone(project, people)
    client = login_as(people[who])
    url = f"/projects/{project.id}/milestones/{path}"
    assert_cache_follows(
        app, client, url, lambda: in_request(lambda: CHANGES[name](project, people, m))
    )


def test_the_empty_state_s_link_is_for_editors_only(roles_project, login_as):
    project, people = roles_project
    url = f"/projects/{project.id}/milestones/list"
    create = f"/projects/{project.id}/milestones/new"
    assert create in page(login_as(people["director"]), url)
    assert create not in page(login_as(people["funder"]), url)
    assert same(page(login_as(people["director"]), url)) != same(
        page(login_as(people["funder"]), url)
    )
