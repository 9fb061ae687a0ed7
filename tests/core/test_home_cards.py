"""The home page's project cards (workspace/projects/home.py): reused while nothing changes,
and after a change of a project, of a partner's name or of the viewer's role, exactly what a
fresh render shows."""

from __future__ import annotations

import pytest

from tests.factories import create_org, project_with_roles
from tests.fragments import assert_cache_follows, fresh, page, same
from workspace.cache import fragments
from workspace.extensions import db
from workspace.models import Membership


@pytest.fixture
def two_projects():
    first, people = project_with_roles(name="Plateforme de répit")
    tilleuls = create_org("Association Les Tilleuls")
    first.partners.append(tilleuls)
    second, _others = project_with_roles(name="GCSMS du Luberon")
    second.memberships.append(Membership(user=people["director"], role="evaluator"))
    db.session.commit()
    return first, second, people


def test_each_card_is_kept_and_a_second_view_renders_none(two_projects, login_as):
    _first, _second, people = two_projects
    client = login_as(people["director"])
    html = page(client, "/")
    assert "Plateforme de répit" in html and "GCSMS du Luberon" in html
    assert "Association Les Tilleuls" in html
    misses = fragments.cache.misses
    assert same(page(client, "/")) == same(html)
    assert fragments.cache.misses == misses


CHANGES = {
    "project renamed": lambda first, second, people: setattr(first, "name", "Répit partagé"),
    "stage advanced": lambda first, second, people: setattr(second, "stage", "concretisation"),
    "partner renamed": lambda first, second, people: setattr(
        first.partners[-1], "name", "Les Tilleuls réunis"
    ),
    "role changed": lambda first, second, people: setattr(
        next(m for m in second.memberships if m.user_id == people["director"].id),
        "role",
        "adviser",
    ),
    "archived": lambda first, second, people: setattr(first, "archived", True),
}


@pytest.mark.parametrize("name", CHANGES)
def test_after_a_change_the_card_is_the_fresh_one(two_projects, login_as, app, name):
    first, second, people = two_projects
    client = login_as(people["director"])
    assert_cache_follows(app, client, "/", lambda: CHANGES[name](first, second, people))


def test_the_role_is_part_of_the_key(two_projects, login_as, app):
    _first, _second, people = two_projects
    director = page(login_as(people["director"]), "/")
    funder = page(login_as(people["funder"]), "/")
    assert "Financeur" in funder and "Financeur" not in director
    assert same(funder) == same(fresh(app, login_as(people["funder"]), "/"))
