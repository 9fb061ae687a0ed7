"""Moves: positions stay a permutation, WIP confirmation, bad input, concurrent moves."""

from __future__ import annotations

import random
import threading

import pytest

from plugins.board import operations as ops
from plugins.board.models import Task
from tests.plugins.board.conftest import make_tasks, order, positions
from workspace.extensions import db
from workspace.models import Activity


def _move(client, project, task_id, column_id, position=None, **extra):
    data = {"column_id": column_id, **extra}
    if position is not None:
        data["position"] = position
    return client.post(
        f"/projects/{project.id}/board/tasks/{task_id}/move",
        data=data,
        headers={"Accept": "application/json"},
    )


def test_move_between_columns_renumbers_both(board, login_as):
    project, people, columns, tasks = board
    a0, a1, a2, b0, b1 = tasks
    r = _move(login_as(people["director"]), project, a0.id, columns[1].id, 1)
    assert r.status_code == 200 and r.json == {"ok": True, "column": columns[1].id, "position": 1}
    assert order(columns[0].id) == [a1.id, a2.id]
    assert order(columns[1].id) == [b0.id, a0.id, b1.id]
    assert positions(columns[0].id) == [0, 1] and positions(columns[1].id) == [0, 1, 2]
    entry = db.session.scalars(db.select(Activity).order_by(Activity.id.desc())).first()
    assert entry.verb == "task:moved" and "En cours" in entry.summary


def test_move_within_column_and_to_end(board, login_as):
    project, people, columns, tasks = board
    a0, a1, a2 = tasks[:3]
    client = login_as(people["coordinator"])
    assert _move(client, project, a0.id, columns[0].id, 2).status_code == 200
    assert order(columns[0].id) == [a1.id, a2.id, a0.id]
    assert _move(client, project, a0.id, columns[0].id, 0).status_code == 200
    assert order(columns[0].id) == [a0.id, a1.id, a2.id]
    assert _move(client, project, a1.id, columns[3].id).status_code == 200  # no position: end
    assert order(columns[3].id) == [a1.id]


def test_move_does_not_bump_neighbours_versions(board, login_as):
    project, people, columns, tasks = board
    versions = {t.id: t.version for t in tasks}
    _move(login_as(people["director"]), project, tasks[2].id, columns[0].id, 0)
    db.session.expire_all()
    assert {t.id: db.session.get(Task, t.id).version for t in tasks} == versions


@pytest.mark.parametrize(
    ("column", "position", "message"),
    [
        ("c1", 9, "Position hors limites"),
        ("c1", -1, "Position hors limites"),
        ("c1", "abc", "Nombre entier attendu"),
        ("xyz", 0, "Nombre entier attendu"),
        ("", 0, "obligatoire"),
    ],
)
def test_bad_move_is_400_and_changes_nothing(board, login_as, column, position, message):
    project, people, columns, tasks = board
    before = (order(columns[0].id), order(columns[1].id))
    col = columns[1].id if column == "c1" else column
    r = _move(login_as(people["director"]), project, tasks[0].id, col, position)
    assert r.status_code == 400
    assert message in r.json["error"]["message"]
    assert (order(columns[0].id), order(columns[1].id)) == before


def test_unknown_column_or_task_is_404(board, login_as):
    project, people, columns, tasks = board
    client = login_as(people["director"])
    assert _move(client, project, tasks[0].id, 999999, 0).status_code == 404
    assert _move(client, project, 999999, columns[1].id, 0).status_code == 404


def test_wip_limit_asks_for_confirmation(board, login_as, emitted):
    project, people, columns, tasks = board
    columns[1].wip_limit = 2
    db.session.commit()
    client = login_as(people["director"])
    r = _move(client, project, tasks[0].id, columns[1].id, 0)
    assert r.status_code == 409 and r.json["confirm"] is True
    assert "limite de 2" in r.json["error"]["message"] and "Confirmez" in r.json["error"]["message"]
    assert tasks[0].id not in order(columns[1].id) and emitted == []
    # Moving inside the full column needs no confirmation.
    assert _move(client, project, tasks[3].id, columns[1].id, 1).status_code == 200
    r = _move(client, project, tasks[0].id, columns[1].id, 0, confirm="1")
    assert r.status_code == 200 and order(columns[1].id)[0] == tasks[0].id


def test_wip_confirmation_dialog_for_htmx(board, login_as):
    project, people, columns, tasks = board
    columns[1].wip_limit = 1
    db.session.commit()
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/board/tasks/{tasks[0].id}/move",
        data={"column_id": columns[1].id, "position": 0},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 409 and r.headers["HX-Retarget"] == "#dialogs"
    assert "Déplacer quand même" in r.text and 'name="confirm" value="1"' in r.text


def test_archived_task_cannot_move(board, login_as):
    project, people, columns, tasks = board
    ops.archive_task(tasks[0], people["director"])
    db.session.commit()
    r = _move(login_as(people["director"]), project, tasks[0].id, columns[1].id, 0)
    assert r.status_code == 400 and "archivée" in r.json["error"]["message"]


def _worker(app, project_id, column_ids, task_ids, user_id, seed, errors, rounds=12):
    from workspace.models import User

    rng = random.Random(seed)
    with app.app_context():
        actor = db.session.get(User, user_id)
        for _ in range(rounds):
            try:
                task = db.session.get(Task, rng.choice(task_ids))
                column_id = rng.choice(column_ids)
                column = db.session.get(ops.BoardColumn, column_id)
                n = len(ops.Order(column_id))
                ops.move_task(task, actor, column, rng.randint(0, max(n - 1, 0)), confirm=True)
                db.session.commit()
            except ops.BoardError:
                db.session.rollback()  # the column changed under us: position now out of range
            except Exception as exc:
                db.session.rollback()
                errors.append(repr(exc))
            finally:
                db.session.expire_all()
        db.session.remove()


def test_concurrent_moves_keep_a_permutation(app, board):
    project, people, columns, tasks = board
    tasks += make_tasks(project, people["director"], columns[2], 6)
    task_ids = [t.id for t in tasks]
    column_ids = [c.id for c in columns]
    db.session.commit()
    errors: list[str] = []
    threads = [
        threading.Thread(
            target=_worker,
            args=(app, project.id, column_ids, task_ids, people["director"].id, seed, errors),
        )
        for seed in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    total = 0
    for c in columns:
        pos = positions(c.id)
        assert pos == list(range(len(pos))), (c.name, pos)
        total += len(pos)
    assert total == len(task_ids)
    moved = db.session.scalar(db.select(db.func.count(Activity.id)).filter_by(verb="task:moved"))
    assert moved > 0
