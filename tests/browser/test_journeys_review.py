"""Journeys of the reviewers in Chromium on the demo project: the adviser comments, validates a
milestone and sends another back; the evaluator accepts and questions measurements."""

from __future__ import annotations

from playwright.sync_api import expect

from plugins.comments.models import Comment
from plugins.indicators.models import Indicator, Measurement, Review
from plugins.milestones import operations as milestone_ops
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import _demo, _follow, _milestone
from workspace.extensions import db


def test_adviser_comments_validates_and_sends_back(app, page_for, live_server):
    world = _demo(app)
    julien, project = world.people["adviser"], world.project
    with app.test_request_context():  # a second milestone awaiting the adviser
        milestone_ops.submit(
            _milestone(project, "Assemblée constitutive"),
            world.people["coordinator"],
            "Convocations envoyées, ordre du jour joint.",
        )
        db.session.commit()
    page = page_for(julien)
    page.goto(f"{live_server}/projects/{project.id}/milestones/")
    screenshot(page, "journey-adviser-milestones")

    # « Projet de convention constitutive » (submitted by Karim): a comment, then validated.
    _follow(page, page.get_by_role("link", name="Projet de convention constitutive", exact=True))
    expect(page.locator("#milestone-panel")).to_have_attribute("data-status", "submitted")
    comments = page.locator("article.comment")
    before = comments.count()  # the demo's discussion of this milestone
    page.get_by_label("Votre message").fill("Article 12 : précisez la durée du mandat.")
    page.get_by_role("button", name="Publier").click()
    expect(comments).to_have_count(before + 1)
    expect(comments.last).to_contain_text("Article 12 : précisez la durée du mandat.")
    convention = _milestone(project, "Projet de convention constitutive")
    comment = db.session.scalar(
        db.select(Comment)
        .filter_by(object_type="milestone", object_id=convention.id)
        .order_by(Comment.id.desc())
        .limit(1)
    )
    assert (comment.author_id, comment.body) == (
        julien.id,
        "Article 12 : précisez la durée du mandat.",
    )
    page.get_by_label("Commentaire (facultatif)").fill("Conforme au modèle du Pôle.")
    page.get_by_role("button", name="Valider le jalon").click()
    expect(page.locator("#milestone-panel")).to_have_attribute("data-status", "validated")
    expect(page.locator("#milestone-status")).to_contain_text("Validé")
    expect(page.locator(".ms-review-list")).to_contain_text("Conforme au modèle du Pôle.")
    screenshot(page, "journey-adviser-validated")
    convention = _milestone(project, "Projet de convention constitutive")
    assert convention.status == "validated"
    assert (convention.reviews[-1].decision, convention.reviews[-1].actor_id) == (
        "validated",
        julien.id,
    )

    # « Assemblée constitutive »: sending back needs a reason.
    page.goto(f"{live_server}/projects/{project.id}/milestones/")
    _follow(page, page.get_by_role("link", name="Assemblée constitutive", exact=True))
    page.get_by_role("button", name="Renvoyer à reprendre").click()
    expect(page.locator(".ms-decide .field-error")).to_contain_text("Ce champ est obligatoire.")
    assert _milestone(project, "Assemblée constitutive").status == "submitted"
    page.get_by_label("Motif").fill("Joignez la liste des membres de l'assemblée.")
    page.get_by_role("button", name="Renvoyer à reprendre").click()
    expect(page.locator("#milestone-panel")).to_have_attribute("data-status", "returned")
    expect(page.locator("#milestone-status")).to_contain_text("À reprendre")
    screenshot(page, "journey-adviser-returned")
    assembly = _milestone(project, "Assemblée constitutive")
    assert assembly.status == "returned"
    assert (assembly.reviews[-1].decision, assembly.reviews[-1].reason) == (
        "returned",
        "Joignez la liste des membres de l'assemblée.",
    )


def test_evaluator_reviews_measurements(app, page_for, live_server):
    world = _demo(app)
    nadia, project = world.people["evaluator"], world.project
    indicator = db.session.scalar(  # « coût horaire », its T3 measurement awaits the evaluator
        db.select(Indicator).filter_by(project_id=project.id).order_by(Indicator.position)
    )
    by_period = {
        m.period: m
        for m in db.session.scalars(db.select(Measurement).filter_by(indicator_id=indicator.id))
    }
    assert by_period["2026-T3"].review_status == "pending"
    page = page_for(nadia)
    page.goto(f"{live_server}/projects/{project.id}/indicators/")
    screenshot(page, "journey-evaluator-indicators")
    _follow(page, page.get_by_role("link", name=indicator.name, exact=True).first)
    expect(page.get_by_role("heading", name=indicator.name, exact=True)).to_be_visible()

    def card(period):
        heading = page.get_by_role("heading", name=period, exact=True)
        return page.locator("article.measurement").filter(has=heading)

    # T3 2026: accepted.
    t3 = card("T3 2026")
    t3.get_by_text("Examiner cette mesure").click()
    t3.get_by_label("Accepter").check()
    t3.get_by_role("button", name="Enregistrer l'avis").click()
    expect(t3.locator(".measurement-head .review-chip")).to_have_attribute(
        "data-review", "accepted"
    )
    # T2 2026 (accepted before): a question, which needs its text; replacing the decision in
    # force asks first.
    t2 = card("T2 2026")
    t2.get_by_text("Examiner cette mesure").click()
    t2.get_by_label("Poser une question").check()
    t2.get_by_role("button", name="Enregistrer l'avis").click()
    page.locator("dialog.confirm").get_by_role("button", name="Confirmer").click()
    expect(t2.locator(".field-error")).to_contain_text("Écrivez la question posée aux directions.")
    question = "Pourquoi le Comtat reste-t-il au-dessus de 25 € ?"
    t2.get_by_label("Question, motif ou remarque").fill(question)
    t2.get_by_role("button", name="Enregistrer l'avis").click()
    page.locator("dialog.confirm").get_by_role("button", name="Confirmer").click()
    expect(t2.locator(".measurement-head .review-chip")).to_have_attribute(
        "data-review", "questioned"
    )
    expect(t2.locator(".review-questioned")).to_contain_text(question)
    screenshot(page, "journey-evaluator-reviewed")
    db.session.expire_all()
    assert by_period["2026-T3"].review_status == "accepted"
    assert by_period["2026-T2"].review_status == "questioned"
    latest = db.session.scalars(
        db.select(Review).filter_by(indicator_id=indicator.id).order_by(Review.id.desc()).limit(2)
    ).all()
    assert [(r.measurement_id, r.decision, r.text, r.reviewer_id) for r in latest] == [
        (by_period["2026-T2"].id, "questioned", question, nadia.id),
        (by_period["2026-T3"].id, "accepted", "", nadia.id),
    ]
