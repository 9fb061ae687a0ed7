"""A director submits a milestone, an adviser in another browser validates it, live."""

from __future__ import annotations

from datetime import date

from flask import current_app

from plugins.milestones import operations as ops
from tests.browser.live import joined
from tests.factories import create_project, create_user
from workspace.extensions import db


def test_submit_then_validate_live(page_for, live_server):
    claire = create_user("Claire Martin")
    julien = create_user("Julien Faure")
    project = create_project({claire: "director", julien: "adviser"}, coordinators=[claire])
    with current_app.test_request_context():
        m = ops.create_milestone(
            project,
            claire,
            title="Projet de convention constitutive",
            planned_date=date(2027, 1, 15),
        )
        db.session.commit()
    url = f"{live_server}/projects/{project.id}/milestones/{m.id}"

    director = page_for(claire)
    director.goto(url)
    joined(director, claire)  # the adviser's decision reaches this page live
    director.fill("textarea[name=message]", "Version 3 relue par l'avocat.")
    director.get_by_role("button", name="Soumettre le jalon").click()
    director.wait_for_selector("#milestone-panel[data-status=submitted]")

    adviser = page_for(julien)
    adviser.goto(url)
    adviser.wait_for_selector("#milestone-panel[data-status=submitted]")
    adviser.get_by_role("button", name="Valider le jalon").click()
    adviser.wait_for_selector("#milestone-panel[data-status=validated]")

    # The director's page refreshes itself: no reload.
    director.wait_for_selector("#milestone-panel[data-status=validated]")
    assert "Validé" in director.inner_text("#milestone-status")
    assert director.locator(".ms-review-validated").count() == 1
    assert "Julien Faure" in director.inner_text(".ms-review-list")


def test_a_plain_form_with_a_confirmation_asks_first(page_for, live_server):
    """« Supprimer ce jalon » posts a plain form: the question is asked all the same."""
    from plugins.milestones.models import Milestone

    claire = create_user("Claire Martin")
    project = create_project({claire: "director"}, coordinators=[claire])
    with current_app.test_request_context():
        m = ops.create_milestone(project, claire, title="Statuts signés")
        db.session.commit()
    milestone_id = m.id
    page = page_for(claire)
    page.goto(f"{live_server}/projects/{project.id}/milestones/{milestone_id}")
    page.click("form[hx-confirm] button.danger")
    dialog = page.locator("dialog.confirm")
    dialog.wait_for()
    dialog.locator("text=Annuler").click()
    page.wait_for_timeout(300)
    db.session.expire_all()
    assert db.session.get(Milestone, milestone_id) is not None
    page.click("form[hx-confirm] button.danger")
    page.locator("dialog.confirm >> text=Confirmer").click()
    page.wait_for_url(f"{live_server}/projects/{project.id}/milestones/")
    db.session.expire_all()
    assert db.session.get(Milestone, milestone_id) is None
