"""An evaluator questions a measurement; the director sees the question appear live."""

from datetime import date
from decimal import Decimal

from plugins.indicators import operations
from tests.browser.conftest import wait_until
from tests.browser.live import joined
from tests.factories import create_project, create_user
from workspace.extensions import db


def _indicator(director, evaluator):
    project = create_project(
        {director: "director", evaluator: "evaluator"}, coordinators=[director]
    )
    ind = operations.create_indicator(
        project,
        director,
        name="Taux de continuité le week-end",
        area="pilotage",
        kind="percentage",
        unit="%",
        direction="higher",
        baseline_value=Decimal(88),
        baseline_date=date(2025, 12, 31),
        target_value=Decimal(97),
        target_date=date(2027, 6, 30),
        frequency="quarterly",
    )
    m = operations.add_measurement(
        ind, director, period="2026-T1", period_end=date(2026, 3, 31), value=Decimal("89.5")
    )
    db.session.commit()
    return project, ind, m


def test_question_appears_live_for_the_director(page_for, live_server):
    claire = create_user("Claire Martin")
    nadia = create_user("Nadia Lopez")
    project, ind, m = _indicator(claire, nadia)
    url = f"{live_server}/projects/{project.id}/indicators/{ind.id}"
    violations = []

    director = page_for(claire)
    director.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    director.goto(url)
    director.wait_for_selector("canvas[data-drawn]")  # Chart.js drew without a CSP violation
    wait_until(
        director, "() => !!(window.Coop && window.Coop.socket && window.Coop.socket.connected)"
    )
    joined(director, claire)  # connected is not enough: the notice goes to the project's room

    evaluator = page_for(nadia)
    evaluator.goto(url)
    card = f"#measurement-{m.id}"
    evaluator.click(f"{card} .review-tools summary")
    evaluator.check(f"{card} input[name=decision][value=questioned]")
    evaluator.fill(f"{card} textarea[name=text]", "Pourquoi Cavaillon baisse-t-il ?")
    evaluator.click(f"{card} .review-form button[type=submit]")
    evaluator.wait_for_selector(f"{card} .review-questioned")

    # Without reloading, the director's card shows the question and an answer form.
    director.wait_for_selector(f"{card} >> text=Pourquoi Cavaillon baisse-t-il ?")
    director.wait_for_selector(f"{card} textarea[name=text]")
    assert director.locator(f"{card} [data-review=questioned]").count() >= 1
    assert violations == []


def test_changing_a_decision_asks_first_and_the_form_reads_as_a_heading(page_for, live_server):
    from flask import current_app

    from plugins.indicators.models import Review

    claire = create_user("Claire Martin")
    nadia = create_user("Nadia Lopez")
    project, ind, m = _indicator(claire, nadia)
    with current_app.test_request_context():
        operations.review(ind, nadia, "accepted", measurement=m)
        db.session.commit()
    page = page_for(nadia)
    page.goto(f"{live_server}/projects/{project.id}/indicators/{ind.id}")
    card = f"#measurement-{m.id}"
    page.click(f"{card} .review-tools summary")
    summary = page.locator(f"{card} .review-tools summary").bounding_box()
    form = page.locator(f"{card} .review-form").bounding_box()
    assert summary["height"] < 40 and form["y"] > summary["y"]  # a heading above the form

    def reviews():
        db.session.expire_all()
        return db.session.scalars(db.select(Review.decision).order_by(Review.id)).all()

    # Rejecting an accepted measurement: a dialog asks; « Annuler » changes nothing.
    page.check(f"{card} input[name=decision][value=rejected]")
    page.fill(f"{card} textarea[name=text]", "Chiffre non justifié")
    page.click(f"{card} .review-form button[type=submit]")
    dialog = page.locator("dialog.confirm")
    dialog.wait_for()
    assert "Acceptée" in dialog.inner_text()
    dialog.locator("text=Annuler").click()
    page.wait_for_timeout(300)
    assert reviews() == ["accepted"]
    page.click(f"{card} .review-form button[type=submit]")
    page.locator("dialog.confirm >> text=Confirmer").click()
    page.wait_for_selector(f"{card} .review-rejected")
    assert reviews() == ["accepted", "rejected"]
    # Confirming the decision in force asks nothing.
    page.click(f"{card} .review-tools summary")
    page.check(f"{card} input[name=decision][value=rejected]")
    page.fill(f"{card} textarea[name=text]", "Toujours pas")
    page.click(f"{card} .review-form button[type=submit]")
    wait_until(page, "() => document.querySelectorAll('.review-rejected').length >= 2")
    assert page.locator("dialog.confirm").count() == 0
    assert reviews() == ["accepted", "rejected", "rejected"]


def test_a_measurement_s_discussion_opens_in_place_and_is_live(page_for, live_server):
    from playwright.sync_api import expect

    from plugins.comments import operations as comment_ops
    from tests.browser.conftest import screenshot

    claire = create_user("Claire Martin")
    nadia = create_user("Nadia Lopez")
    project, ind, m = _indicator(claire, nadia)
    comment_ops.post_comment(project, nadia, "measurement", m.id, "D'où vient 89,5 ?")
    db.session.commit()
    page = page_for(claire)
    page.goto(f"{live_server}/projects/{project.id}/indicators/{ind.id}")
    discussion = page.locator(f"#measurement-{m.id} details.object-discussion")
    expect(discussion.locator("summary")).to_contain_text("Discussion (1)")
    discussion.locator("summary").click()
    expect(discussion.locator("article.comment")).to_contain_text("D'où vient 89,5 ?")
    discussion.locator("textarea[name=body]").fill("Du relevé des plannings.")
    discussion.locator("button[type=submit]").click()
    expect(discussion.locator("article.comment")).to_have_count(2)
    expect(discussion.locator("[data-action=reply]").first).to_be_visible()
    screenshot(page, "measurement-discussion")
