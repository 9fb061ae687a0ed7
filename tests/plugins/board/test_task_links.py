"""Direct links to a task (notifications, « Mes tâches », a reload with the card open) open
the board with the task's panel, as a full page and as an htmx request."""

from __future__ import annotations

import pytest

from tests.plugins.board.conftest import TODAY, YESTERDAY
from workspace.extensions import db


@pytest.mark.parametrize("due", [YESTERDAY, TODAY, None])
@pytest.mark.parametrize("htmx", [False, True])
def test_board_with_task_opens_the_panel(board, login_as, due, htmx):
    project, people, _columns, tasks = board
    task = tasks[0]
    task.due_date = due
    db.session.commit()
    headers = {"HX-Request": "true"} if htmx else {}
    r = login_as(people["funder"]).get(
        f"/projects/{project.id}/board/?task={task.id}", headers=headers
    )
    assert r.status_code == 200
    assert f'id="task-panel" data-task="{task.id}"' in r.text
    assert ("en retard" in r.text.split('id="task-panel"')[1]) == (due == YESTERDAY)


def test_task_link_without_htmx_redirects_to_the_board_with_the_panel(board, login_as):
    project, people, _columns, tasks = board
    tasks[1].due_date = YESTERDAY
    db.session.commit()
    client = login_as(people["adviser"])
    r = client.get(f"/projects/{project.id}/board/tasks/{tasks[1].id}")
    assert r.status_code == 302
    page = client.get(r.headers["Location"])
    assert page.status_code == 200 and f'data-task="{tasks[1].id}"' in page.text


def test_another_projects_task_is_not_opened(board, login_as):
    from tests.factories import project_with_roles

    _project, _people, _columns, tasks = board
    other, other_people = project_with_roles()
    r = login_as(other_people["director"]).get(f"/projects/{other.id}/board/?task={tasks[0].id}")
    assert r.status_code == 200 and 'id="task-panel"' not in r.text
