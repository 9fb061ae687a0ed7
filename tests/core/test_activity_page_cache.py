"""The activity log's list is reused while the project's data is unchanged
(workspace/projects/views.py): after a change it shows the new entry exactly as a fresh
render does, on the first page, a later page and a filtered one."""

from __future__ import annotations

import pytest

from plugins.board import operations as board_ops
from plugins.board.setup import ensure_columns
from tests.factories import create_user, project_with_roles
from tests.fragments import assert_cache_follows, in_request, page
from workspace import operations as core_ops
from workspace.extensions import db
from workspace.projects.views import ACTIVITY_PAGE


@pytest.fixture
def logged():
    """A project with more than a page of entries (task creations)."""
    project, people = project_with_roles()
    column = ensure_columns(project)[0]
    for i in range(ACTIVITY_PAGE + 3):
        in_request(
            lambda i=i: board_ops.create_task(project, people["director"], column, title=f"T{i}")
        )
    db.session.commit()
    return project, people, column


@pytest.mark.parametrize("query", ["", "?page=2", "?type=member"])
def test_the_cached_list_follows_every_change(logged, login_as, app, query):
    project, people, column = logged
    client = login_as(people["funder"])

    def change():
        if query == "?type=member":
            newcomer = create_user("Yves Nouveau")
            in_request(
                lambda: core_ops.add_member(project, people["coordinator"], newcomer, "director")
            )
        else:
            in_request(
                lambda: board_ops.create_task(project, people["director"], column, title="Neuve")
            )

    assert_cache_follows(app, client, f"/projects/{project.id}/activity{query}", change)


def test_the_htmx_refresh_is_the_list_alone(logged, login_as):
    project, people, _column = logged
    client = login_as(people["adviser"])
    full = page(client, f"/projects/{project.id}/activity")
    part = client.get(f"/projects/{project.id}/activity", headers={"HX-Request": "true"}).text
    assert '<ol class="activity-feed">' in part and "<html" not in part
    assert part.strip() in full


def test_the_page_and_the_kind_are_part_of_the_key(logged, login_as, app):
    project, people, _column = logged
    client = login_as(people["director"])
    base = f"/projects/{project.id}/activity"
    first, second, members = (page(client, base + q) for q in ("", "?page=2", "?type=member"))
    assert "Page 1 sur 2" in first and "Page 2 sur 2" in second
    assert "« T0 »" in second and "« T0 »" not in first  # the oldest entry, on page 2
    assert "Aucune activité de ce type." in members
