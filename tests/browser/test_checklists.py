"""Checklists in two browsers: a status ticked by one person appears for the other, live."""

from __future__ import annotations

from plugins.checklists import operations, queries
from tests.browser.conftest import screenshot, wait_until
from tests.factories import create_project, create_user
from workspace.extensions import db


def _project():
    claire = create_user("Claire Martin")
    karim = create_user("Karim Benali")
    pierre = create_user("Pierre Garnier")
    project = create_project({claire: "director", karim: "director", pierre: "funder"})
    operations.apply_template(project, claire, "gcsms")
    db.session.commit()
    items = [i for s in queries.sections_of(project.id) for i in s.items]
    return project, claire, karim, pierre, items


def test_ticking_an_item_shows_in_another_browser(page_for, live_server):
    project, claire, _karim, pierre, items = _project()
    item = items[1]
    url = f"{live_server}/projects/{project.id}/checklists/"

    first = page_for(claire)
    first.goto(url)
    second = page_for(pierre)
    second.goto(url)
    # Both are in the project's room before the change.
    first.wait_for_selector(f"#presence [data-user-id='{pierre.id}']")
    second.wait_for_selector(f"#presence [data-user-id='{claire.id}']")
    assert second.locator(f"#item-{item.id} select").count() == 0  # the funder reads only

    first.select_option(f"#cl-status-{item.id}", "fait")
    first.wait_for_selector(f"#item-{item.id}.cl-fait")

    # The funder's page refreshes the row and the progress, without a reload.
    second.wait_for_selector(f"#item-{item.id}.cl-fait")
    assert "Fait" in second.inner_text(f"#item-{item.id} .cl-status-chip")
    wait_until(second, "() => document.querySelector('#cl-overall').innerText.includes('1 sur')")
    assert "1/" in second.inner_text("#cl-tab-progress-strategie")
    screenshot(second, "checklists-funder-live")


def test_tabs_work_with_the_keyboard_and_dialog_opens(page_for, live_server):
    project, claire, *_rest, items = _project()
    page = page_for(claire)
    page.goto(f"{live_server}/projects/{project.id}/checklists/")
    page.focus("#cl-tab-strategie")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#cl-tab-rh", "aria-selected") == "true"
    assert page.is_visible("#cl-panel-rh") and not page.is_visible("#cl-panel-strategie")
    assert "area=rh" in page.url
    rh_item = next(i for i in items if i.section.area == "rh")
    page.click(f"#item-{rh_item.id} .cl-item-label")
    page.wait_for_selector("dialog.cl-dialog[open]")
    page.select_option("dialog.cl-dialog select[name=status]", "non_applicable")
    assert page.is_visible("dialog.cl-dialog .cl-justification-field")
    page.click("dialog.cl-dialog button[type=submit] >> text=Enregistrer l'élément")
    page.wait_for_selector("dialog.cl-dialog .field-error")
    page.fill("dialog.cl-dialog textarea[name=justification]", "Pas de salarié propre")
    page.click("dialog.cl-dialog button[type=submit] >> text=Enregistrer l'élément")
    page.wait_for_selector("dialog.cl-dialog", state="detached")
    page.wait_for_selector(f"#item-{rh_item.id}.cl-non_applicable")
    screenshot(page, "checklists-director")


def test_removing_a_verification_asks_first(page_for, live_server):
    from flask import current_app

    from plugins.checklists.models import Item
    from workspace.models import Membership

    project, _claire, _karim, _pierre, items = _project()
    julien = create_user("Julien Faure")
    db.session.add(Membership(user_id=julien.id, project_id=project.id, role="adviser"))
    item = items[0]
    with current_app.test_request_context():
        operations.set_verified(item, julien, True)
        db.session.commit()
    page = page_for(julien)
    page.goto(f"{live_server}/projects/{project.id}/checklists/")
    button = page.locator(f"#item-{item.id} button[aria-pressed=true]")
    button.click()
    dialog = page.locator("dialog.confirm")
    dialog.wait_for()
    assert item.label[:20] in dialog.inner_text()
    dialog.locator("text=Annuler").click()
    page.wait_for_timeout(300)
    db.session.expire_all()
    assert db.session.get(Item, item.id).verified_at is not None
    button.click()
    page.locator("dialog.confirm >> text=Confirmer").click()
    page.wait_for_selector(f"#item-{item.id} button[aria-pressed=false]")
    db.session.expire_all()
    assert db.session.get(Item, item.id).verified_at is None
    # Verifying again asks nothing.
    page.locator(f"#item-{item.id} button[aria-pressed=false]").click()
    page.wait_for_selector(f"#item-{item.id} button[aria-pressed=true]")
    assert page.locator("dialog.confirm").count() == 0
