"""A new project: every plugin page says what to do next instead of showing nothing."""

from __future__ import annotations

import pytest

from tests.factories import create_project, create_user
from workspace.extensions import db

# page → (what a director reads, what a funder reads); both are the next step for that reader.
PAGES = {
    "board/": (
        "ajoutez la première tâche avec « Nouvelle tâche »",
        "les directions partenaires y ajouteront les tâches du projet",
    ),
    "checklists/": (
        "Commencez par choisir un modèle de checklist",
        "Une direction partenaire choisira bientôt le modèle de checklist du projet.",
    ),
    "milestones/": ("Aucun jalon pour l'instant", "Aucun jalon pour l'instant"),
    "funding/": ("Aucune ligne de financement", "Aucune ligne de financement"),
    "indicators/": (
        "Choisissez des indicateurs dans la bibliothèque",
        "Aucun indicateur pour l'instant",
    ),
    "comments/": ("Aucun message pour l'instant.", "Aucun message pour l'instant."),
}


@pytest.fixture
def new_project():
    director, funder = create_user("Claire Neuve"), create_user("Pierre Neuf")
    project = create_project({director: "director", funder: "funder"}, coordinators=[director])
    db.session.commit()
    return project, director, funder


@pytest.mark.parametrize("page", list(PAGES))
def test_an_empty_page_says_what_to_do_next(new_project, login_as, page):
    project, director, funder = new_project
    for person, expected in zip((director, funder), PAGES[page], strict=True):
        response = login_as(person).get(f"/projects/{project.id}/{page}")
        assert response.status_code == 200
        text = response.text.replace("&#39;", "'").replace("&#34;", '"')
        assert expected in text, (person.name, page)


def test_the_checklist_start_has_its_button_for_directors_only(new_project, login_as):
    project, director, funder = new_project
    assert (
        "Créer les checklists" in login_as(director).get(f"/projects/{project.id}/checklists/").text
    )
    assert (
        "Créer les checklists"
        not in login_as(funder).get(f"/projects/{project.id}/checklists/").text
    )


def test_the_board_hint_disappears_once_there_is_a_task(new_project, login_as):
    project, director, _ = new_project
    client = login_as(director)
    from plugins.board.models import BoardColumn

    client.get(f"/projects/{project.id}/board/")  # creates the default columns
    column = db.session.scalars(db.select(BoardColumn).filter_by(project_id=project.id)).first()
    created = client.post(
        f"/projects/{project.id}/board/tasks",
        data={"title": "Première tâche", "quick": "1", "column_id": column.id},
    )
    assert created.status_code in (200, 201, 204, 302), created.status_code
    page = client.get(f"/projects/{project.id}/board/").text
    assert "Première tâche" in page
    assert "board-empty" not in page
