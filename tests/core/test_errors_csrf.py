"""CSRF on forms and htmx, bad ids, overlong text and error pages in the layout."""

from __future__ import annotations

import re

import pytest

from tests.factories import create_user
from workspace.extensions import db
from workspace.models import Invitation, Membership, Project


def _token(page: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


def test_post_without_csrf_token_is_refused(csrf_enabled, roles_project, login_as):
    project, people = roles_project
    client = login_as(people["coordinator"])
    r = client.post(
        f"/projects/{project.id}/members/invite", data={"email": "x@example.org", "role": "funder"}
    )
    assert r.status_code == 400 and "Le formulaire a expiré" in r.text
    r = client.post(
        "/projects/new", data={"name": "Sans jeton", "form": "gcsms", "stage": "emergence"}
    )
    assert r.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Project.id))) == 1


def test_htmx_header_token_is_accepted(csrf_enabled, roles_project, login_as):
    project, people = roles_project
    client = login_as(people["coordinator"])
    token = _token(client.get(f"/projects/{project.id}/members/").text)
    target = db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=people["director"].id)
    )
    r = client.post(
        f"/projects/{project.id}/members/{target.id}/change",
        data={"role": "adviser"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert r.status_code == 200
    db.session.refresh(target)
    assert target.role == "adviser"
    # A wrong header token is refused, as an htmx toast.
    r = client.post(
        f"/projects/{project.id}/members/{target.id}/change",
        data={"role": "funder"},
        headers={"HX-Request": "true", "X-CSRFToken": "forged"},
    )
    assert r.status_code == 400 and r.headers["HX-Retarget"] == "#toasts"
    db.session.refresh(target)
    assert target.role == "adviser"


def test_form_token_is_accepted(csrf_enabled, app):
    create_user(email="claire@example.org")
    client = app.test_client()
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    from tests.factories import PASSWORD

    r = client.post(
        "/login", data={"email": "claire@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/projects/abc/",
        "/projects/-1/",
        "/projects/99999999/",
        "/projects/99999999999999999999999/",
        "/projects/1.5/members/",
        "/projects/{pid}/members/abc/remove",
        "/projects/{pid}/files/abc",
        "/projects/{pid}/files/424242",
        "/nowhere",
    ],
)
def test_malformed_or_unknown_ids_are_404(url, roles_project, login_as):
    project, people = roles_project
    r = login_as(people["coordinator"]).get(url.format(pid=project.id))
    assert r.status_code == 404
    assert "Page introuvable" in r.text and 'class="topbar"' in r.text


def test_overlong_text_is_400_and_nothing_saved(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["coordinator"])
    r = client.post(
        f"/projects/{project.id}/settings",
        data={"name": "x" * 10_000, "form": "gcsms", "stage": "emergence", "version": "1"},
    )
    assert r.status_code == 400 and "200 caractères au plus" in r.text
    db.session.refresh(project)
    assert project.name != "x" * 10_000


def test_error_pages_render_in_the_layout(roles_project, login_as):
    project, people = roles_project
    funder = login_as(people["funder"])
    r403 = funder.get(f"/projects/{project.id}/settings")
    assert r403.status_code == 403 and "Accès refusé" in r403.text
    assert 'class="topbar"' in r403.text and "Retour à mes projets" in r403.text
    coordinator = login_as(people["coordinator"])
    r409 = coordinator.post(f"/projects/{project.id}/restore")
    assert r409.status_code == 409 and "pas clôturé" in r409.text
    assert 'class="topbar"' in r409.text
    json_404 = coordinator.get("/projects/999/", headers={"Accept": "application/json"})
    assert json_404.status_code == 404 and json_404.json["error"]["code"] == 404


def test_unexpected_error_is_a_500_page_without_trace(roles_project, login_as, monkeypatch, app):
    project, people = roles_project
    import workspace.members.views

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(workspace.members.views, "_grouped", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    r = login_as(people["funder"]).get(f"/projects/{project.id}/members/")
    assert r.status_code == 500
    assert "Erreur inattendue" in r.text and 'class="topbar"' in r.text
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
