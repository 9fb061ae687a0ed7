"""Realtime notices, hooks offered to other plugins, templates, “mes tâches”."""

from __future__ import annotations

import re

from plugins.board import operations as ops
from plugins.board.models import Task
from plugins.board.setup import template_choices
from tests.plugins.board.conftest import YESTERDAY
from workspace.extensions import db
from workspace.plugins import get_plugin


def _notices(sc):
    return [m["args"][0] for m in sc.get_received() if m["name"] == "notice"]


def test_second_client_receives_the_move(board, login_as, socket_for):
    project, people, columns, tasks = board
    watcher = socket_for(people["funder"], project)
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/board/tasks/{tasks[0].id}/move",
        data={"column_id": columns[1].id, "position": 0},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200
    notices = _notices(watcher)
    assert [n["type"] for n in notices] == ["task:moved"]
    keys = notices[0]["keys"]
    assert f"task:{tasks[0].id}" in keys
    assert f"column:{columns[0].id}" in keys and f"column:{columns[1].id}" in keys
    assert notices[0]["summary"]["fr"].startswith("a déplacé") and "url" in notices[0]


def test_nothing_is_emitted_after_a_rollback(board, socket_for, emitted):
    project, people, columns, tasks = board
    watcher = socket_for(people["adviser"], project)
    ops.move_task(tasks[0], people["director"], columns[2], 0)
    db.session.rollback()
    assert _notices(watcher) == [] and emitted == []


def test_created_and_updated_notices(board, login_as, socket_for):
    project, people, columns, _tasks = board
    watcher = socket_for(people["evaluator"], project)
    client = login_as(people["director"])
    client.post(
        f"/projects/{project.id}/board/tasks",
        data={"quick": "1", "title": "Nouvelle", "column_id": columns[0].id},
    )
    notices = _notices(watcher)
    assert [n["type"] for n in notices] == ["task:created"]
    assert f"column:{columns[0].id}" in notices[0]["keys"]


def test_commentable_task(board):
    from workspace.plugins import commentable

    project, _people, _columns, tasks = board
    c = commentable("task")
    assert c.permission == "board.view"
    assert c.resolve(project, tasks[0].id) is tasks[0]
    assert c.resolve(project, 999999) is None
    assert c.label(tasks[0]) == tasks[0].title
    assert c.url(tasks[0]).endswith(f"/board/?task={tasks[0].id}")


def test_milestone_links_hook(board, login_as):
    project, people, columns, tasks = board
    ops.update_task(tasks[0], people["director"], milestone_id=7)
    ops.update_task(tasks[1], people["director"], milestone_id=7)
    ops.move_task(tasks[1], people["director"], columns[3], 0)
    db.session.commit()
    client = login_as(people["funder"])
    with client.application.test_request_context():
        from flask_login import login_user

        login_user(people["funder"])
        html = get_plugin("board").hooks["milestone_links"](project=project, milestone_id=7)
        assert html.count("<li>") == 2 and "1 sur 2 terminées" in html
        assert get_plugin("board").hooks["milestone_links"](project=project, milestone_id=8) is None


def test_milestone_choices_feed_the_form(board, login_as):
    project, people, _columns, tasks = board
    plugin = get_plugin("board")
    plugin.hooks["milestone_choices"] = lambda project: [(7, "Accord des parties")]
    try:
        client = login_as(people["director"])
        url = f"/projects/{project.id}/board/tasks/{tasks[0].id}"
        form = client.get(url, headers={"HX-Request": "true"}).text
        assert "Accord des parties" in form
        data = {"title": "T", "priority": "normale", "version": tasks[0].version}
        assert client.post(url, data={**data, "milestone_id": "8"}).status_code == 400
        assert client.post(url, data={**data, "milestone_id": "7"}).status_code == 302
        db.session.expire_all()
        assert db.session.get(Task, tasks[0].id).milestone_id == 7
    finally:
        del plugin.hooks["milestone_choices"]


def test_new_project_from_a_shipped_template(login_as):
    from tests.factories import create_user

    user = create_user()
    assert ("file:gcsms", "Création d'un GCSMS (plan type)") in template_choices(user)
    client = login_as(user)
    form = client.get("/projects/new").text
    assert "Partir d&#39;un modèle de tâches" in form or "Partir d'un modèle de tâches" in form
    r = client.post(
        "/projects/new",
        data={
            "name": "GCSMS du Ventoux",
            "form": "gcsms",
            "stage": "emergence",
            "board_template": "file:gcsms",
        },
    )
    assert r.status_code == 302
    tasks = db.session.scalars(db.select(Task)).all()
    assert len(tasks) >= 25
    assert {t.area for t in tasks} == {"strategie", "rh", "gestion", "pilotage"}


def test_coordinator_saves_a_template_offered_at_creation(board, login_as):
    project, people, _columns, tasks = board
    r = login_as(people["coordinator"]).post(
        f"/projects/{project.id}/board/settings/templates", data={"name": "Notre plan"}
    )
    assert r.status_code == 302
    key = next(k for k, name in template_choices(people["director"]) if name == "Notre plan")
    other = login_as(people["director"]).post(
        "/projects/new",
        data={"name": "Suite", "form": "fusion", "stage": "emergence", "board_template": key},
    )
    assert other.status_code == 302
    copies = db.session.scalars(db.select(Task).where(Task.project_id != project.id)).all()
    assert sorted(t.title for t in copies) == sorted(t.title for t in tasks)


def test_my_tasks_across_projects(board, login_as):
    from plugins.board.setup import ensure_columns
    from tests.factories import create_project

    _project, people, _columns, tasks = board
    me = people["director"]
    other = create_project({me: "director"}, name="Autre projet")
    other_col = ensure_columns(other)[0]
    mine_elsewhere = ops.create_task(other, me, other_col, title="Ailleurs", assignees=[me])
    ops.update_task(tasks[0], me, assignees=[me], due_date=YESTERDAY)
    db.session.commit()
    client = login_as(me)
    html = client.get("/my/tasks").text
    assert tasks[0].title in html and mine_elsewhere.title in html and "en retard" in html
    assert tasks[1].title not in html
    top = client.get("/").text
    assert "/my/tasks" in top and "Mes tâches" in top
    assert login_as(None).get("/my/tasks").status_code == 302


def test_my_tasks_lists_the_overdue_first_and_the_finished_apart(board, login_as):
    from datetime import timedelta

    project, people, columns, tasks = board
    me = people["director"]
    done = next(c for c in columns if c.done)
    soon, later = YESTERDAY + timedelta(days=5), YESTERDAY + timedelta(days=30)
    ops.update_task(tasks[0], me, assignees=[me], due_date=later)
    ops.update_task(tasks[1], me, assignees=[me])  # no due date: after the dated ones
    ops.update_task(tasks[2], me, assignees=[me], due_date=YESTERDAY)  # overdue: on top
    ops.create_task(project, me, done, title="Déjà faite", assignees=[me])
    extra = ops.create_task(project, me, columns[0], title="Bientôt", assignees=[me])
    ops.update_task(extra, me, due_date=soon)
    db.session.commit()
    html = login_as(me).get("/my/tasks").text
    open_part, done_part = html.split('<details class="my-tasks-done">')
    titles = re.findall(r'<li class="[^"]*">\s*<a href="[^"]*">([^<]+)</a>', open_part)
    assert titles == [tasks[2].title, "Bientôt", tasks[0].title, tasks[1].title]
    assert "1 tâche terminée" in done_part and "Déjà faite" in done_part
    assert "Déjà faite" not in open_part
