"""The member list's groups served from the fragment cache: after each kind of change,
exactly what a fresh render shows; each viewer has their own (« vous », the controls)."""

from __future__ import annotations

import pytest
from flask import current_app

from tests.fragments import assert_cache_follows, in_request, page
from workspace import operations
from workspace.extensions import db
from workspace.models import Invitation, Membership


def _membership(project, user) -> Membership:
    return db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=user.id)
    )


CHANGES = {
    "role changed": lambda p, pe: in_request(
        lambda: operations.change_member(
            p, pe["coordinator"], _membership(p, pe["director"]), "evaluator", False
        )
    ),
    "member removed": lambda p, pe: in_request(
        lambda: operations.remove_member(p, pe["coordinator"], _membership(p, pe["evaluator"]))
    ),
    "member added": lambda p, pe: in_request(
        lambda: operations.add_member(p, pe["coordinator"], pe["outsider"], "director")
    ),
    "person renamed": lambda p, pe: setattr(pe["adviser"], "name", "Julien Conseiller-Martin"),
    "organisation renamed": lambda p, pe: setattr(
        pe["funder"].organisation, "name", "Département de Vaucluse"
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("who", ["coordinator", "adviser", "funder"])
def test_after_any_change_the_cached_list_is_the_fresh_list(
    roles_project, login_as, app, name, who
):
    project, people = roles_project
    client = login_as(people[who])
    path = f"/projects/{project.id}/members/"
    assert_cache_follows(app, client, path, lambda: CHANGES[name](project, people))


def test_each_viewer_sees_themselves_and_their_controls(roles_project, login_as):
    project, people = roles_project
    path = f"/projects/{project.id}/members/list"
    coordinator, director = page(login_as(people["coordinator"]), path), None
    director = page(login_as(people["director"]), path)
    assert 'name="role"' in coordinator and 'name="role"' not in director
    assert coordinator.count("(vous)") == director.count("(vous)") == 1
    assert coordinator.index("(vous)") != director.index("(vous)")


@pytest.mark.parametrize("name", list(CHANGES))
def test_the_cached_overview_follows_members_and_people(roles_project, login_as, app, name):
    project, people = roles_project
    client = login_as(people["director"])
    path = f"/projects/{project.id}/"
    assert_cache_follows(app, client, path, lambda: CHANGES[name](project, people))


def test_the_overview_counts_invitations_as_they_expire(roles_project, login_as):
    from datetime import timedelta

    from workspace.models import utcnow

    project, people = roles_project
    client = login_as(people["coordinator"])
    with current_app.test_request_context():
        invitation, _link = operations.invite(
            project, people["coordinator"], "nouvelle@example.org", "director", False
        )
    db.session.commit()
    assert "1 invitation en attente" in page(client, f"/projects/{project.id}/")
    # Time passes: no project write (a Core update, unseen by the revisions).
    db.session.execute(
        db.update(Invitation)
        .where(Invitation.id == invitation.id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert "invitation en attente" not in page(client, f"/projects/{project.id}/")
