"""Permission matrix: every checklists endpoint × every row of WHO.

Directors edit, advisers verify, everyone in the project reads; outsiders and site admins who
are not members get 404, anonymous visitors go to the login page. Refused POSTs (including
the funder's forged ones) change nothing: no activity entry, no change to the item.
"""

from __future__ import annotations

import pytest
from flask import current_app

from plugins.checklists import operations, queries
from plugins.checklists.models import Item, Setup
from tests.conftest import WHO, client_for
from workspace.extensions import db
from workspace.models import Activity, count

EDITORS = {"coordinator", "director"}
READERS = {"coordinator", "director", "adviser", "evaluator", "funder"}


def _first(project):
    return queries.sections_of(project.id)[0].items[0]


# name → (method, url(project, item), data(item), roles allowed, status when allowed)
MATRIX = {
    "checklists.index": ("GET", lambda p, i: "/", None, READERS, 200),
    "checklists.progress": ("GET", lambda p, i: "/progress", None, READERS, 200),
    "checklists.item": ("GET", lambda p, i: f"/items/{i.id}", None, READERS, 200),
    "checklists.row": ("GET", lambda p, i: f"/items/{i.id}/row", None, READERS, 200),
    "checklists.section_items": (
        "GET",
        lambda p, i: f"/sections/{i.section_id}/items",
        None,
        READERS,
        200,
    ),
    "checklists.new_item": (
        "GET",
        lambda p, i: f"/sections/{i.section_id}/new",
        None,
        EDITORS,
        200,
    ),
    "checklists.new_item:POST": (
        "POST",
        lambda p, i: f"/sections/{i.section_id}/new",
        lambda i: {"label": "Ajouté", "status": "a_faire"},
        EDITORS,
        302,
    ),
    "checklists.status": (
        "POST",
        lambda p, i: f"/items/{i.id}/status",
        lambda i: {"status": "fait", "version": i.version},
        EDITORS,
        302,
    ),
    "checklists.edit": (
        "POST",
        lambda p, i: f"/items/{i.id}",
        lambda i: {"label": "Modifié", "status": "en_cours", "version": i.version},
        EDITORS,
        302,
    ),
    "checklists.move": (
        "POST",
        lambda p, i: f"/items/{i.id}/move",
        lambda i: {"direction": "down"},
        EDITORS,
        302,
    ),
    "checklists.delete": ("POST", lambda p, i: f"/items/{i.id}/delete", lambda i: {}, EDITORS, 302),
    "checklists.verify": (
        "POST",
        lambda p, i: f"/items/{i.id}/verify",
        lambda i: {"verified": "1"},
        {"adviser"},
        302,
    ),
}


def expected(who: str, allowed: set, ok: int) -> int:
    if who == "anonymous":
        return 302
    if who in ("outsider", "admin"):
        return 404
    return ok if who in allowed else 403


def snapshot(item_id: int, project_id: int):
    db.session.expire_all()
    item = db.session.get(Item, item_id)
    state = None
    if item is not None:
        state = (item.label, item.status, item.version, item.position, item.verified_at)
    activities = count(db.select(Activity).filter_by(project_id=project_id))
    items = count(db.select(Item).filter_by(project_id=project_id))
    return state, activities, items


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", list(MATRIX))
def test_matrix(name, who, cl, login_as):
    project, people, _ = cl
    method, url, data, allowed, ok = MATRIX[name]
    item = _first(project)
    client = client_for(who, people, login_as)
    before = snapshot(item.id, project.id)
    full = f"/projects/{project.id}/checklists{url(project, item)}"
    response = client.get(full) if method == "GET" else client.post(full, data=data(item))
    want = expected(who, allowed, ok)
    assert response.status_code == want, (name, who, response.status_code)
    if who == "anonymous":
        assert "/login" in response.headers["Location"]
    if method == "POST":
        after = snapshot(item.id, project.id)
        if who in allowed:
            assert after != before and after[1] == before[1] + 1
        else:
            assert after == before


@pytest.mark.parametrize("who", WHO)
def test_choose_template_matrix(who, roles_project, login_as):
    project, people = roles_project
    response = client_for(who, people, login_as).post(
        f"/projects/{project.id}/checklists/template", data={"template": "fusion"}
    )
    assert response.status_code == expected(who, EDITORS, 302)
    created = db.session.scalar(db.select(Setup).filter_by(project_id=project.id))
    assert (created is not None) == (who in EDITORS)
    if who not in EDITORS:
        assert count(db.select(Item).filter_by(project_id=project.id)) == 0


def test_every_checklists_endpoint_is_in_the_matrix():
    endpoints = {r.endpoint for r in current_app.url_map.iter_rules()}
    mine = {e for e in endpoints if e.startswith("checklists.")}
    covered = {n.split(":")[0] for n in MATRIX} | {"checklists.choose_template"}
    assert mine == covered


@pytest.mark.parametrize("role", ["adviser", "evaluator", "funder"])
def test_readers_see_no_edit_controls(role, cl, login_as):
    project, people, items = cl
    html = login_as(people[role]).get(f"/projects/{project.id}/checklists/").text
    assert 'name="status"' not in html
    assert "Ajouter un élément" not in html
    assert 'data-move="up"' not in html
    assert ("/verify" in html) == (role == "adviser")
    dialog = login_as(people[role]).get(
        f"/projects/{project.id}/checklists/items/{items[0].id}", headers={"HX-Request": "true"}
    )
    assert "Enregistrer l'élément" not in dialog.text
    assert "Retirer l'élément" not in dialog.text


def test_director_sees_the_controls(cl, login_as):
    project, people, _ = cl
    html = login_as(people["director"]).get(f"/projects/{project.id}/checklists/").text
    assert 'name="status"' in html and "Ajouter un élément" in html and 'data-move="up"' in html
    assert "/verify" not in html


def test_archived_project_is_read_only_for_directors(cl, login_as):
    project, people, items = cl
    project.archived = True
    db.session.commit()
    client = login_as(people["director"])
    assert client.get(f"/projects/{project.id}/checklists/").status_code == 200
    response = client.post(
        f"/projects/{project.id}/checklists/items/{items[0].id}/status",
        data={"status": "fait", "version": items[0].version},
    )
    assert response.status_code == 403


def test_objects_of_another_project_are_404(cl, login_as):
    _project, people, items = cl
    from tests.factories import create_project

    other = create_project({people["director"]: "director"})
    operations.apply_template(other, people["director"], "partenariat")
    db.session.commit()
    client = login_as(people["director"])
    base = f"/projects/{other.id}/checklists"
    foreign = items[0]
    assert client.get(f"{base}/items/{foreign.id}").status_code == 404
    assert client.get(f"{base}/items/{foreign.id}/row").status_code == 404
    assert client.get(f"{base}/sections/{foreign.section_id}/items").status_code == 404
    r = client.post(f"{base}/items/{foreign.id}/status", data={"status": "fait", "version": 1})
    assert r.status_code == 404
    assert client.get(f"{base}/items/abc").status_code == 404
    assert client.get(f"{base}/items/-1").status_code == 404
    assert client.get(f"{base}/items/99999999999999999999").status_code == 404
