"""Permission matrix: every board endpoint × every row of WHO, forged funder POSTs."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from plugins.board import operations as ops
from plugins.board.attachments import add_file
from plugins.board.models import BoardColumn, BoardTemplate, Label, SubItem, Task, TaskFile
from plugins.board.setup import add_label, save_template
from tests.conftest import WHO, client_for
from workspace.extensions import db
from workspace.models import Activity

VIEW, EDIT, MANAGE = "view", "edit", "manage"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ALLOWED = {
    VIEW: {"coordinator", "director", "adviser", "evaluator", "funder"},
    EDIT: {"coordinator", "director"},
    MANAGE: {"coordinator"},
}

# (name, permission, method, path under /projects/<id>/board, form data)
ENDPOINTS = [
    ("index", VIEW, "GET", "/", None),
    ("index_filtered", VIEW, "GET", "/?q=T&group=org&due=soon", None),
    ("column", VIEW, "GET", "/columns/{c0}", None),
    ("column_more", VIEW, "GET", "/columns/{c0}?offset=100", None),
    ("card", VIEW, "GET", "/tasks/{t0}/card", None),
    ("panel", VIEW, "GET", "/tasks/{t0}", None),
    ("archive_page", VIEW, "GET", "/archive", None),
    ("export", VIEW, "GET", "/export.csv", None),
    ("new", EDIT, "GET", "/tasks/new", None),
    ("create", EDIT, "POST", "/tasks", {"title": "Nouvelle", "column_id": "{c0}", "quick": "1"}),
    ("update", EDIT, "POST", "/tasks/{t0}", {"title": "Modifiée", "version": "1",
                                            "priority": "normale", "column_id": "{c0}"}),
    ("move", EDIT, "POST", "/tasks/{t0}/move", {"column_id": "{c1}", "position": "0"}),
    ("archive", EDIT, "POST", "/tasks/{t0}/archive", {}),
    ("restore", EDIT, "POST", "/tasks/{ta}/restore", {}),
    ("delete", MANAGE, "POST", "/tasks/{t0}/delete", {}),
    ("trash", VIEW, "GET", "/trash", None),
    ("undelete", MANAGE, "POST", "/tasks/{td}/undelete", {}),
    ("add_subitem", EDIT, "POST", "/tasks/{t0}/subitems", {"title": "Étape"}),
    ("upload_file", EDIT, "POST", "/tasks/{t0}/files", {"file": "PNG"}),
    ("delete_file", EDIT, "POST", "/tasks/{t0}/files/{f0}/delete", {}),
    ("toggle_subitem", EDIT, "POST", "/tasks/{t0}/subitems/{s0}/toggle", {"done": "1"}),
    ("delete_subitem", EDIT, "POST", "/tasks/{t0}/subitems/{s0}/delete", {}),
    ("settings", MANAGE, "GET", "/settings", None),
    ("add_column", MANAGE, "POST", "/settings/columns", {"name": "Relecture", "wip_limit": "3"}),
    ("update_column", MANAGE, "POST", "/settings/columns/{c0}",
     {"name": "Backlog", "wip_limit": "5", "version": "1"}),
    ("shift_column", MANAGE, "POST", "/settings/columns/{c1}/shift", {"direction": "left"}),
    ("delete_column", MANAGE, "POST", "/settings/columns/{c2}/delete", {}),
    ("add_label", MANAGE, "POST", "/settings/labels", {"name": "Urgent", "color": "#aa0000"}),
    ("delete_label", MANAGE, "POST", "/settings/labels/{l0}/delete", {}),
    ("save_template", MANAGE, "POST", "/settings/templates", {"name": "Mon modèle"}),
    ("delete_template", MANAGE, "POST", "/settings/templates/{m0}/delete", {}),
]  # fmt: skip


@pytest.fixture
def world(board):
    project, people, columns, tasks = board
    actor = people["coordinator"]
    item = ops.add_subitem(tasks[0], actor, "Premier pas")
    label = add_label(project, actor, "Juridique", "#7a4f9a")
    template = save_template(project, actor, "Modèle existant")
    archived = tasks[3]
    ops.archive_task(archived, actor)
    trashed = tasks[4]
    ops.delete_task(trashed, actor)
    attached = add_file(
        tasks[0], actor, FileStorage(io.BytesIO(PNG), "plan.png", content_type="image/png")
    )
    db.session.commit()
    ids = {
        "c0": columns[0].id,
        "c1": columns[1].id,
        "c2": columns[2].id,
        "t0": tasks[0].id,
        "ta": archived.id,
        "td": trashed.id,
        "f0": attached.id,
        "s0": item.id,
        "l0": label.id,
        "m0": template.id,
    }
    return project, people, ids


def snapshot():
    """Everything a board request could change."""
    db.session.expire_all()

    def rows(model, *cols):
        return sorted(
            tuple(getattr(r, c) for c in cols) for r in db.session.scalars(db.select(model))
        )

    return (
        rows(Task, "id", "title", "column_id", "position", "archived", "deleted_at", "version"),
        rows(BoardColumn, "id", "name", "position", "wip_limit"),
        rows(SubItem, "id", "title", "done"),
        rows(TaskFile, "id", "task_id", "file_id"),
        rows(Label, "id", "name"),
        rows(BoardTemplate, "id", "name"),
        db.session.scalar(db.select(db.func.count(Activity.id))),
    )


def _request(client, project, ids, method, path, data):
    url = f"/projects/{project.id}/board" + path.format(**ids)
    if method == "GET":
        return client.get(url)
    form = {k: str(v).format(**ids) for k, v in (data or {}).items()}
    if form.pop("file", None):  # an upload: a real file, multipart
        form["file"] = (io.BytesIO(PNG), "plan.png")
        return client.post(url, data=form, content_type="multipart/form-data")
    return client.post(url, data=form)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    ("name", "perm", "method", "path", "data"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_matrix(world, login_as, who, name, perm, method, path, data):
    project, people, ids = world
    before = snapshot()
    r = _request(client_for(who, people, login_as), project, ids, method, path, data)
    if who == "anonymous":
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    elif who in ("outsider", "admin"):
        assert r.status_code == 404
    elif who in ALLOWED[perm]:
        assert r.status_code in (200, 204, 302), (r.status_code, r.text[:300])
    else:
        assert r.status_code == 403
    if method == "POST" and who not in ALLOWED[perm]:
        assert snapshot() == before, "a refused request changed something"


def test_funder_page_has_no_controls(world, login_as):
    project, people, ids = world
    html = login_as(people["funder"]).get(f"/projects/{project.id}/board/").text
    for marker in (
        "data-editable",
        "data-move",
        "quick-add",
        "Nouvelle tâche",
        "Paramètres du tableau",
        '<button type="button" class="mv"',
    ):
        assert marker not in html
    panel = login_as(people["funder"]).get(f"/projects/{project.id}/board/?task={ids['t0']}").text
    assert "Modifier la tâche" not in panel and "Archiver" not in panel
    assert "hx-post" not in panel.split('id="task-panel"')[1]


def test_director_sees_controls_but_not_manage(world, login_as):
    project, people, ids = world
    html = login_as(people["director"]).get(f"/projects/{project.id}/board/").text
    assert 'data-editable="1"' in html and "data-move" in html and "Nouvelle tâche" in html
    assert "Paramètres du tableau" not in html
    panel = login_as(people["director"]).get(f"/projects/{project.id}/board/?task={ids['t0']}").text
    assert "Modifier la tâche" in panel and "Supprimer définitivement" not in panel


def test_archived_project_refuses_writes(world, login_as):
    project, people, ids = world
    project.archived = True
    db.session.commit()
    before = snapshot()
    client = login_as(people["coordinator"])
    assert client.get(f"/projects/{project.id}/board/").status_code == 200
    r = client.post(
        f"/projects/{project.id}/board/tasks/{ids['t0']}/move",
        data={"column_id": ids["c1"], "position": 0},
    )
    assert r.status_code == 403
    assert snapshot() == before


def test_other_projects_objects_are_404(world, login_as):
    from plugins.board.setup import ensure_columns
    from tests.factories import project_with_roles

    project, people, ids = world
    other, other_people = project_with_roles()
    other_cols = ensure_columns(other)
    foreign = ops.create_task(other, other_people["director"], other_cols[0], title="Ailleurs")
    db.session.commit()
    client = login_as(people["coordinator"])
    base = f"/projects/{project.id}/board"
    before = snapshot()
    assert client.get(f"{base}/tasks/{foreign.id}").status_code == 404
    assert client.get(f"{base}/tasks/{foreign.id}/card").status_code == 404
    assert client.get(f"{base}/columns/{other_cols[0].id}").status_code == 404
    assert (
        client.post(
            f"{base}/tasks/{foreign.id}/move", data={"column_id": ids["c0"], "position": 0}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{base}/tasks/{ids['t0']}/move", data={"column_id": other_cols[0].id, "position": 0}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{base}/tasks", data={"title": "X", "column_id": other_cols[0].id, "quick": "1"}
        ).status_code
        == 404
    )
    assert client.post(f"{base}/tasks/{foreign.id}/delete").status_code == 404
    assert client.post(f"{base}/tasks/999999/archive").status_code == 404
    assert (
        client.post(
            f"{base}/tasks/{ids['t0']}/subitems/999999/toggle", data={"done": "1"}
        ).status_code
        == 404
    )
    assert snapshot() == before
