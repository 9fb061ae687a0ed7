"""A toast survives the live refresh that replaces the form which asked for it.

The realtime notice of one's own change often arrives before the response of the request that
made it: the live refresh then replaces the list holding the form, and htmx dispatches the
response's ``HX-Trigger`` toast on the removed form, where it never reached ``<body>``.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.factories import create_project, create_user


def test_toast_of_a_form_replaced_by_a_live_refresh(page_for, live_server):
    claire = create_user("Claire Martin")
    karim = create_user("Karim Benali")
    project = create_project({claire: "director", karim: "director"}, coordinators=[claire])
    page = page_for(claire)
    page.goto(f"{live_server}/projects/{project.id}/members/")
    held = []
    page.route("**/members/*/change", lambda route: held.append(route))  # answered later
    row = page.locator("li.member-row", has_text="Karim Benali")
    row.get_by_label("Rôle de Karim Benali").select_option("adviser")
    row.get_by_role("button", name="Enregistrer").click()
    while not held:
        page.wait_for_timeout(20)  # let Playwright deliver the intercepted request
    # The live refresh of the list (what the notice does) replaces the form meanwhile.
    page.evaluate("() => { window.__oldList = document.getElementById('members-list'); }")
    page.evaluate("() => htmx.trigger('#members-list', 'live')")
    wait_until(page, "() => !document.body.contains(window.__oldList)")
    held[0].continue_()
    expect(
        page.get_by_role("status").filter(has_text="Rôle de Karim Benali mis à jour.")
    ).to_be_visible()
