"""Saved task templates stay with their source project's members until a site administrator
publishes them; the administration page lists and publishes them."""

from __future__ import annotations

import pytest

from plugins.board.models import BoardTemplate, Task
from plugins.board.setup import save_template, template_choices
from tests.factories import create_user
from workspace.extensions import db

NEW = {"name": "Projet voisin", "form": "gcsms", "stage": "emergence"}


@pytest.fixture
def saved(board):
    project, people, _columns, tasks = board
    template = save_template(project, people["coordinator"], "Modèle interne")
    db.session.commit()
    return template, people, tasks


def _copied_titles(project_name: str) -> list[str]:
    db.session.expire_all()
    from workspace.models import Project

    project = db.session.scalar(db.select(Project).filter_by(name=project_name))
    return sorted(db.session.scalars(db.select(Task.title).filter_by(project_id=project.id)))


def test_an_outsider_is_not_offered_another_projects_template(saved, login_as):
    template, _people, _tasks = saved
    outsider = create_user()
    assert f"db:{template.id}" not in dict(template_choices(outsider))
    page = login_as(outsider).get("/projects/new").text
    assert "Modèle interne" not in page and f"db:{template.id}" not in page


def test_a_crafted_key_copies_nothing(saved, login_as):
    template, _people, _tasks = saved
    r = login_as(create_user()).post(
        "/projects/new", data={**NEW, "board_template": f"db:{template.id}"}
    )
    assert r.status_code == 302
    assert _copied_titles("Projet voisin") == []


@pytest.mark.parametrize("role", ["coordinator", "director", "adviser"])
def test_members_of_the_source_project_are_offered_it(saved, login_as, role):
    template, people, tasks = saved
    page = login_as(people[role]).get("/projects/new").text
    assert f'value="db:{template.id}">Modèle interne' in page
    r = login_as(people[role]).post(
        "/projects/new", data={**NEW, "board_template": f"db:{template.id}"}
    )
    assert r.status_code == 302
    assert _copied_titles("Projet voisin") == sorted(t.title for t in tasks)


def test_an_administrator_publishes_it_for_everyone(saved, login_as):
    template, _people, tasks = saved
    admin = create_user(is_admin=True)
    outsider = create_user()
    client = login_as(admin)
    listing = client.get("/admin/task-templates")
    assert listing.status_code == 200 and "Modèle interne" in listing.text
    assert "Publier pour tout le site" in listing.text
    r = client.post(f"/admin/task-templates/{template.id}/publish")
    assert r.status_code == 302
    assert db.session.get(BoardTemplate, template.id).site_wide is True
    assert f"db:{template.id}" in dict(template_choices(outsider))
    login_as(outsider).post("/projects/new", data={**NEW, "board_template": f"db:{template.id}"})
    assert _copied_titles("Projet voisin") == sorted(t.title for t in tasks)
    # and back: kept to its project again
    client.post(f"/admin/task-templates/{template.id}/publish")
    assert f"db:{template.id}" not in dict(template_choices(outsider))


@pytest.mark.parametrize("who", ["anonymous", "member", "outsider"])
def test_only_administrators_reach_the_page(saved, login_as, who):
    template, people, _tasks = saved
    user = {"anonymous": None, "member": people["coordinator"], "outsider": create_user()}[who]
    client = login_as(user)
    for method, url in [
        ("get", "/admin/task-templates"),
        ("post", f"/admin/task-templates/{template.id}/publish"),
    ]:
        r = getattr(client, method)(url)
        if who == "anonymous":
            assert r.status_code == 302 and "/login" in r.headers["Location"]
        else:
            assert r.status_code == 403
    assert db.session.get(BoardTemplate, template.id).site_wide is False


def test_publishing_an_unknown_template_is_a_404(login_as):
    r = login_as(create_user(is_admin=True)).post("/admin/task-templates/999/publish")
    assert r.status_code == 404
