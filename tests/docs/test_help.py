"""In-app help: guides rendered in the layout, the « ? » link per role, the first-visit tour."""

from __future__ import annotations

import pytest

from tests.factories import create_user
from workspace.extensions import db
from workspace.help.tour import TourProgress

ROLE_GUIDE = {
    "coordinator": "coordinateur",
    "director": "directeur",
    "adviser": "conseiller",
    "evaluator": "evaluateur",
    "funder": "financeur",
}


def test_a_guide_is_rendered_in_the_layout_with_working_images(login_as):
    client = login_as(create_user())
    page = client.get("/help/fr/directeur.md")
    assert page.status_code == 200
    assert "<h1" in page.text and "Guide de la directrice ou du directeur partenaire" in page.text
    assert 'src="../img/board.png"' in page.text
    assert 'id="tâches--le-tableau-partagé"' in page.text  # anchors as on the forge
    image = client.get("/help/img/board.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert client.get("/help/en/financeur.md").status_code == 200
    assert "Guide for funders" in client.get("/help/en/financeur.md").text


def test_the_help_index_follows_the_language(login_as):
    client = login_as(create_user())
    response = client.get("/help/")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/help/fr/index.md"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/help/de/directeur.md",
        "/help/fr/inconnu.md",
        "/help/fr/../admin.md",
        "/help/fr/%2e%2e/admin.md",
        "/help/img/../fr/directeur.md",
        "/help/img/inconnu.png",
        "/help/fr/directeur.py",
        "/help/css/app.css",
    ],
)
def test_anything_else_is_404(login_as, url):
    assert login_as(create_user()).get(url).status_code == 404


def test_help_needs_a_session(login_as):
    anonymous = login_as(None)
    for url in ("/help/", "/help/fr/index.md", "/help/img/board.png"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = anonymous.post("/help/tour", data={"tour": "directeur"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_markdown_html_is_escaped():
    from workspace.help.guides import render_markdown

    html = render_markdown("# T\n\n<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script>" not in html and 'href="javascript' not in html


@pytest.mark.parametrize("who", list(ROLE_GUIDE))
def test_the_question_mark_opens_the_role_guide(roles_project, login_as, who):
    project, people = roles_project
    page = login_as(people[who]).get(f"/projects/{project.id}/")
    assert page.status_code == 200
    assert f'class="help-link" href="/help/fr/{ROLE_GUIDE[who]}.md"' in page.text


def test_the_tour_shows_once_and_is_remembered(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["funder"])
    page = client.get(f"/projects/{project.id}/").text
    assert '<dialog id="tour"' in page and 'name="tour" value="financeur"' in page
    assert "Le tableau de bord et les bilans" in page
    assert "Passer" in page and "Suivant" in page and "Terminer" in page
    response = client.post(
        "/help/tour", data={"tour": "financeur"}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 204
    assert '<dialog id="tour"' not in client.get(f"/projects/{project.id}/").text
    # Idempotent: a second dismissal (double click, second tab) changes nothing.
    client.post("/help/tour", data={"tour": "financeur"}, headers={"X-Requested-With": "fetch"})
    assert db.session.scalar(db.select(db.func.count()).select_from(TourProgress)) == 1
    # Other people still get theirs.
    assert '<dialog id="tour"' in login_as(people["adviser"]).get(f"/projects/{project.id}/").text


def test_the_tour_form_works_without_javascript(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    response = client.post(
        "/help/tour", data={"tour": "directeur", "next": f"/projects/{project.id}/board/"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/projects/{project.id}/board/")
    for bad in ("//evil.example", "https://evil.example/", "/\\evil.example"):
        response = client.post("/help/tour", data={"tour": "directeur", "next": bad})
        assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize("tour", ["", "inconnu", "x" * 500])
def test_an_unknown_tour_is_400(login_as, tour):
    assert login_as(create_user()).post("/help/tour", data={"tour": tour}).status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(TourProgress)) == 0


def test_no_tour_outside_a_project(login_as):
    page = login_as(create_user()).get("/").text
    assert 'class="help-link" href="/help/fr/index.md"' in page
    assert '<dialog id="tour"' not in page
