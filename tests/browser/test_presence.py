"""Two people on the same project see each other's presence, live."""

from tests.browser.conftest import ARTIFACTS
from tests.factories import create_project, create_user


def test_two_browsers_see_each_other(page_for, live_server):
    claire = create_user("Claire Martin")
    karim = create_user("Karim Benali")
    project = create_project({claire: "director", karim: "director"})
    url = f"{live_server}/projects/{project.id}/"

    first = page_for(claire)
    first.goto(url)
    first.wait_for_selector(f"#presence [data-user-id='{claire.id}']")

    second = page_for(karim)
    second.goto(url)
    second.wait_for_selector(f"#presence [data-user-id='{claire.id}']")
    # Claire's page learns that Karim arrived, without reloading.
    first.wait_for_selector(f"#presence [data-user-id='{karim.id}']")

    second.close()
    first.wait_for_selector(f"#presence [data-user-id='{karim.id}']", state="detached")


def test_a_crowd_shows_a_few_avatars_and_a_count(page_for, live_server):
    """The broadcast names the first people and counts the rest: the top bar shows their
    avatars, then « +N », and says the whole count to screen readers."""
    claire = create_user("Claire Martin")
    project = create_project({claire: "director"})
    page = page_for(claire)
    page.goto(f"{live_server}/projects/{project.id}/")
    page.wait_for_selector(f"#presence [data-user-id='{claire.id}']")
    users = [
        {
            "id": 900 + i,
            "name": f"Personne {i}",
            "initials": f"P{i}",
            "organisation": "SAAD",
            "color": "#3366aa",
        }
        for i in range(8)
    ]
    page.evaluate(
        """(payload) => Coop.socket.listeners("presence").forEach((fn) => fn(payload))""",
        {"project": project.id, "count": 13, "users": users},
    )
    box = page.locator("#presence")
    assert box.locator("[data-user-id]").count() == 8
    assert box.locator(".avatar.more").inner_text() == "+5"
    assert box.get_attribute("aria-label").endswith("Personne 7 et 5 autres")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "presence-crowd.png"))
