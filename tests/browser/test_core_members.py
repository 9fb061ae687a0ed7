"""Members page in a real browser: a coordinator's change appears live for the funder."""

from tests.browser.live import joined, settled, watch
from tests.factories import create_project, create_user


def test_role_change_with_confirmation_and_live_update(page_for, live_server):
    claire = create_user("Claire Martin")
    karim = create_user("Karim Benali")
    pierre = create_user("Pierre Garnier")
    project = create_project(
        {claire: "director", karim: "director", pierre: "funder"}, coordinators=[claire]
    )
    url = f"{live_server}/projects/{project.id}/members/"

    funder = page_for(pierre)
    funder.goto(url)
    funder.wait_for_selector("#members-list")
    assert funder.locator("#members-list select").count() == 0  # no controls for the funder
    joined(funder, pierre)

    coordinator = page_for(claire)
    coordinator.goto(url)
    joined(coordinator, claire)
    watch(coordinator)
    row = coordinator.locator("li.member-row", has_text="Karim Benali")
    row.locator("select[name=role]").select_option("adviser")
    row.get_by_role("button", name="Enregistrer").click()
    coordinator.wait_for_selector(".toast-success")
    # The coordinator's own list refreshes too (the notice): act on the final row, not on one
    # about to be replaced (a request from a removed element is never sent).
    settled(coordinator, 1)
    # The funder's list refreshed itself without a reload.
    funder.locator("li.member-row", has_text="Karim Benali").get_by_text(
        "Conseil du Pôle"
    ).wait_for()

    # Removing asks for confirmation in a dialog first.
    row = coordinator.locator("li.member-row", has_text="Karim Benali")
    row.get_by_role("button", name="Retirer").click()
    coordinator.get_by_role("button", name="Confirmer").click()
    funder.locator("li.member-row", has_text="Karim Benali").wait_for(state="detached")
