"""Creating and editing tasks: validation, conflicts, assignees, sub-items, archive, delete."""

from __future__ import annotations

import re
import threading

import pytest

from plugins.board import operations as ops
from plugins.board.models import SubItem, Task
from tests.factories import create_user
from tests.plugins.board.conftest import TODAY, YESTERDAY, order, positions
from workspace.extensions import db


def _form(columns, **over):
    data = {
        "title": "Rédiger la convention",
        "column_id": columns[0].id,
        "priority": "haute",
        "area": "strategie",
        "description": "**Important** <script>alert(1)</script>",
        "start_date": "2026-03-01",
        "due_date": "2026-04-01",
    }
    data.update(over)
    return data


def test_create_full_task(board, login_as, emitted):
    project, people, columns, _tasks = board
    org = people["director"].organisation
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/board/tasks",
        data=_form(columns, organisation_id=org.id, assignees=[people["coordinator"].id]),
    )
    assert r.status_code == 302
    task = db.session.scalar(db.select(Task).filter_by(title="Rédiger la convention"))
    assert task.position == 3 and task.column_id == columns[0].id
    assert task.organisation_id == org.id and task.area == "strategie"
    assert [u.id for u in task.assignees] == [people["coordinator"].id]
    assert positions(columns[0].id) == [0, 1, 2, 3]
    types = [n["type"] for n in emitted]
    assert types == ["task:created", "task:assigned"]
    assigned = emitted[1]
    assert assigned["assignees"] == [people["coordinator"].id] and "task=" in assigned["url"]


def test_description_is_sanitised_in_the_panel(board, login_as):
    project, people, _columns, tasks = board
    tasks[0].description = "**Gras** <script>alert(1)</script> [lien](javascript:alert(1))"
    db.session.commit()
    html = login_as(people["funder"]).get(f"/projects/{project.id}/board/?task={tasks[0].id}").text
    assert "<strong>Gras</strong>" in html
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * 201, "200 caractères au plus"),
        ("title", "   ", "Ce champ est obligatoire"),
        ("due_date", "31/02/2026", "Date invalide"),
        ("start_date", "demain", "Date invalide"),
        ("due_date", "2026-02-01", "L'échéance ne peut pas précéder le début"),
        ("priority", "extrême", "Choix invalide"),
        ("area", "cuisine", "Choix invalide"),
        ("organisation_id", "abc", "Choix invalide"),
        ("labels", "999", "Choix invalide"),
    ],
)
def test_create_bad_input(board, login_as, field, value, message):
    project, people, columns, _tasks = board
    count = db.session.scalar(db.select(db.func.count(Task.id)))
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/board/tasks", data=_form(columns, **{field: value})
    )
    assert r.status_code == 400
    assert message in r.text
    assert db.session.scalar(db.select(db.func.count(Task.id))) == count


def test_non_member_assignee_is_refused(board, login_as):
    project, people, columns, tasks = board
    stranger = create_user("Inconnu")
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/board/tasks/{tasks[0].id}",
        data=_form(columns, version=tasks[0].version, assignees=[stranger.id]),
    )
    assert r.status_code == 400
    assert "n'est pas membre du projet" in r.text
    db.session.expire_all()
    assert db.session.get(Task, tasks[0].id).assignees == []
    with pytest.raises(ops.BoardError):
        ops.update_task(tasks[0], people["director"], assignees=[stranger])


def _offered(client, project, task) -> str:
    """The assignee checkboxes of the task's edit panel."""
    html = client.get(
        f"/projects/{project.id}/board/tasks/{task.id}", headers={"HX-Request": "true"}
    ).text
    return html.split("Personnes assignées</legend>")[1].split("</fieldset>")[0]


def test_only_task_editors_are_offered_and_accepted(board, login_as):
    project, people, columns, tasks = board
    client = login_as(people["director"])
    select = _offered(client, project, tasks[0])
    assert people["coordinator"].name in select and people["director"].name in select
    for who in ("adviser", "evaluator", "funder"):
        assert people[who].name not in select
    r = client.post(
        f"/projects/{project.id}/board/tasks/{tasks[0].id}",
        data=_form(columns, version=tasks[0].version, assignees=[people["evaluator"].id]),
    )
    assert r.status_code == 400
    db.session.expire_all()
    assert db.session.get(Task, tasks[0].id).assignees == []
    with pytest.raises(ops.BoardError, match="Impossible d'assigner Nadia"):
        ops.update_task(tasks[0], people["director"], assignees=[people["evaluator"]])


def test_an_assignment_made_before_a_role_change_is_kept(board, login_as):
    project, people, columns, tasks = board
    ops.update_task(tasks[0], people["director"], assignees=[people["coordinator"]])
    db.session.commit()
    membership = next(m for m in project.memberships if m.user_id == people["coordinator"].id)
    membership.role, membership.coordinator = "adviser", False
    db.session.commit()
    client = login_as(people["director"])
    assert people["coordinator"].name in _offered(client, project, tasks[0])
    task = db.session.get(Task, tasks[0].id)
    r = client.post(
        f"/projects/{project.id}/board/tasks/{task.id}",
        data=_form(
            columns, title="Renommée", version=task.version, assignees=[people["coordinator"].id]
        ),
    )
    assert r.status_code == 302
    db.session.expire_all()
    task = db.session.get(Task, tasks[0].id)
    assert task.title == "Renommée" and [u.id for u in task.assignees] == [people["coordinator"].id]


def test_quick_add_overlong_title(board, login_as):
    project, people, columns, _tasks = board
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/board/tasks",
        data={"quick": "1", "title": "y" * 201, "column_id": columns[0].id},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 400 and "200 caractères au plus" in r.text
    assert positions(columns[0].id) == [0, 1, 2]


def test_update_and_stale_update_is_409(board, login_as, emitted):
    project, people, columns, tasks = board
    task = tasks[0]
    v = task.version
    url = f"/projects/{project.id}/board/tasks/{task.id}"
    first = login_as(people["director"]).post(url, data=_form(columns, title="Première", version=v))
    assert first.status_code == 302
    second = login_as(people["coordinator"]).post(
        url, data=_form(columns, title="Seconde", version=v), headers={"HX-Request": "true"}
    )
    assert second.status_code == 409
    assert "Première" in second.text and "Seconde" in second.text
    db.session.expire_all()
    assert db.session.get(Task, task.id).title == "Première"
    assert [n["type"] for n in emitted] == ["task:updated"]


def test_the_conflict_shows_labels_and_displayed_values(board, login_as):
    project, people, columns, tasks = board
    task = tasks[0]
    v = task.version
    url = f"/projects/{project.id}/board/tasks/{task.id}"
    login_as(people["director"]).post(url, data=_form(columns, title="Première", version=v))
    org = people["director"].organisation
    r = login_as(people["coordinator"]).post(
        url,
        data=_form(
            columns,
            title="Seconde",
            version=v,
            organisation_id=org.id,
            assignees=[people["coordinator"].id],
        ),
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 409
    mine = r.text.split('id="conflict-mine"')[1].split("</section>")[0]
    pairs = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", mine, re.S))
    assert pairs["Organisation responsable"] == org.name
    assert pairs["Domaine"] == "Stratégie"
    assert pairs["Priorité"] == "Haute"
    assert pairs["Personnes assignées"] == people["coordinator"].name
    assert pairs["Échéance"] == "01/04/2026"
    assert pairs["Colonne"] == columns[0].name
    for raw in ("organisation_id", "area", "csrf_token", "version", "strategie"):
        assert raw not in mine
    assert "Copier ma saisie" in r.text


def test_concurrent_stale_edits_never_overwrite(app, board):
    """Two threads save the same version: one wins, the other gets a conflict."""
    from workspace.forms.conflicts import Conflict, check_version
    from workspace.models import User

    _project, people, _columns, tasks = board
    task_id, version = tasks[0].id, tasks[0].version
    barrier = threading.Barrier(2)
    results: list[str] = []

    def save(title, user_id):
        from sqlalchemy.orm.exc import StaleDataError

        with app.app_context():
            task = db.session.get(Task, task_id)
            barrier.wait()
            try:
                check_version(task, str(version))
                ops.update_task(task, db.session.get(User, user_id), title=title)
                db.session.commit()
                results.append("ok:" + title)
            except (Conflict, StaleDataError):
                db.session.rollback()
                results.append("conflict")
            except Exception as exc:
                db.session.rollback()
                results.append("error:" + type(exc).__name__)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=save, args=(f"Version {i}", people["director"].id))
        for i in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r.split(":")[0] for r in results) == ["conflict", "ok"], results
    db.session.expire_all()
    winner = next(r for r in results if r.startswith("ok:"))[3:]
    saved = db.session.get(Task, task_id)
    assert saved.title == winner and saved.version == version + 1


def test_subitems_progress(board, login_as):
    project, people, _columns, tasks = board
    client = login_as(people["director"])
    base = f"/projects/{project.id}/board/tasks/{tasks[0].id}/subitems"
    assert client.post(base, data={"title": "Relire"}).status_code == 200
    assert client.post(base, data={"title": "Signer"}).status_code == 200
    r = client.post(base, data={"title": "z" * 201})
    assert r.status_code == 400 and "200 caractères au plus" in r.text
    items = db.session.scalars(db.select(SubItem).order_by(SubItem.position)).all()
    assert [i.title for i in items] == ["Relire", "Signer"]
    r = client.post(f"{base}/{items[0].id}/toggle", data={"done": "1"})
    assert "1/2" in r.text
    card = client.get(f"/projects/{project.id}/board/tasks/{tasks[0].id}/card").text
    assert "1/2" in card
    client.post(f"{base}/{items[1].id}/delete")
    assert db.session.scalar(db.select(db.func.count(SubItem.id))) == 1


def test_archive_restore_delete(board, login_as, emitted):
    project, people, columns, tasks = board
    a0, a1, a2 = tasks[:3]
    director = login_as(people["director"])
    base = f"/projects/{project.id}/board/tasks"
    assert director.post(f"{base}/{a1.id}/archive").status_code == 302
    assert order(columns[0].id) == [a0.id, a2.id] and positions(columns[0].id) == [0, 1]
    assert director.get(f"{base}/{a1.id}/card").text == ""
    archive = director.get(f"/projects/{project.id}/board/archive").text
    assert a1.title in archive
    assert director.post(f"{base}/{a1.id}/archive").status_code == 400
    assert director.post(f"{base}/{a1.id}/restore").status_code == 302
    assert order(columns[0].id) == [a0.id, a2.id, a1.id]
    assert director.post(f"{base}/{a1.id}/delete").status_code == 403
    r = login_as(people["coordinator"]).post(
        f"{base}/{a0.id}/delete", headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and r.headers["HX-Reswap"] == "none"
    assert "coop:panel-close" in r.headers["HX-Trigger"]
    assert order(columns[0].id) == [a2.id, a1.id] and positions(columns[0].id) == [0, 1]
    types = [n["type"] for n in emitted]
    assert types == ["task:archived", "task:restored", "task:deleted"]
    assert all("url" in n for n in emitted)


def test_delete_button_has_confirmation(board, login_as):
    project, people, _columns, tasks = board
    html = (
        login_as(people["coordinator"])
        .get(f"/projects/{project.id}/board/tasks/{tasks[0].id}", headers={"HX-Request": "true"})
        .text
    )
    assert (
        "hx-confirm=" in html and "à la corbeille ? Elle pourra être restaurée pendant 30" in html
    )


def test_overdue_card_shows_red_text(board, login_as):
    project, people, _columns, tasks = board
    tasks[0].due_date = YESTERDAY
    tasks[1].due_date = TODAY
    db.session.commit()
    html = login_as(people["funder"]).get(f"/projects/{project.id}/board/").text
    card0 = html.split(f'id="t{tasks[0].id}"')[1].split("</article>")[0]
    card1 = html.split(f'id="t{tasks[1].id}"')[1].split("</article>")[0]
    assert 'class="due late"' in card0 and "en retard" in card0 and "#i-alert-triangle" in card0
    assert "en retard" not in card1
