"""The adviser's portfolio in a real browser (issue 17): filter on what needs attention, sort
by lateness, follow an alert to the board filtered on the late tasks; on a phone too."""

from __future__ import annotations

from tests.browser.conftest import screenshot
from tests.factories import create_project, project_with_roles
from tests.plugins.dashboard.conftest import milestone, task


def test_the_adviser_filters_sorts_and_follows_an_alert(live_server, page_for):
    project, people = project_with_roles(name="Projet en cours")
    adviser = people["adviser"]
    milestone(project, people["director"], "Convention", -10)
    calm = create_project({adviser: "adviser"}, name="Projet tranquille", stage="emergence")
    milestone(calm, adviser, "Jalon lointain", 90)
    late = create_project({adviser: "adviser"}, name="Projet pressé", territory="Apt")
    for i in range(3):
        task(late, adviser, f"Retard {i}", -2 - i)

    page = page_for(adviser)
    page.goto(live_server + "/portfolio")
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    page.get_by_text("3 projets · 2 demandent votre attention").wait_for()
    page.get_by_label("Avec alertes seulement").check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**attention=1**")
    assert rows.count() == 2 and "Projet tranquille" not in page.locator("tbody").inner_text()
    page.get_by_role("link", name="En retard", exact=True).click()  # most overdue first
    page.wait_for_url("**sort=overdue**")
    assert rows.first.locator("th").inner_text().startswith("Projet pressé")
    assert page.get_by_label("Avec alertes seulement").is_checked()  # the filter is kept
    screenshot(page, "portfolio-attention")
    page.get_by_role("link", name="3 tâches en retard").click()
    page.wait_for_url(f"**/projects/{late.id}/board/?due=overdue")
    page.get_by_text("Retard 2").wait_for()

    phone = page_for(adviser, viewport={"width": 390, "height": 844})
    phone.goto(live_server + "/portfolio?q=Apt")
    phone.get_by_role("link", name="Projet pressé").wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # the table scrolls inside its frame, not the page
    screenshot(phone, "portfolio-phone")
    assert project.id != late.id
