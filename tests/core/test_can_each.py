"""``can_each`` (workspace/permissions.py): the projects ``can()`` allows, for every role,
permission and archived state, whether the memberships were loaded before or not."""

from __future__ import annotations

import pytest
from flask import g

from tests.factories import create_project, project_with_roles
from workspace.permissions import REGISTRY, can, can_each, remember_membership

WHO = ["coordinator", "director", "adviser", "evaluator", "funder", "outsider", "admin"]


@pytest.fixture
def projects():
    """An open project and an archived one, where each person has the same role."""
    open_project, people = project_with_roles()
    roles = {m.user: m.role for m in open_project.memberships}
    archived = create_project(roles, coordinators=[people["coordinator"]], archived=True)
    return [open_project, archived], people


@pytest.mark.parametrize("primed", [False, True], ids=["loaded by can", "remembered"])
@pytest.mark.parametrize("who", WHO)
def test_can_each_is_can_for_every_permission(app, projects, who, primed):
    (open_project, archived), people = projects
    user = people[who]
    with app.test_request_context():
        if primed:
            for project in (open_project, archived):
                member = next((m for m in project.memberships if m.user_id == user.id), None)
                remember_membership(user, project, member)
        for permission in [*sorted(REGISTRY), "projects.create"]:
            expected = [p for p in (open_project, archived) if can(user, p, permission)]
            if not primed:
                g.pop("_memberships", None)  # can_each loads them itself
            assert can_each(user, [open_project, archived], permission) == expected, permission


def test_writes_are_refused_on_an_archived_project(app, projects):
    (open_project, archived), people = projects
    with app.test_request_context():
        both = [open_project, archived]
        assert can_each(people["director"], both, "board.edit") == [open_project]
        assert can_each(people["director"], both, "board.view") == both
        assert can_each(people["outsider"], both, "board.view") == []
        assert can_each(people["funder"], both, "board.edit") == []
