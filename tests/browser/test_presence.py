"""Two people on the same project see each other's presence, live."""

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
