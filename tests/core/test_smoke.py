from tests.factories import create_project, create_user


def test_project_overview_for_member(login_as):
    user = create_user("Claire Martin")
    project = create_project({user: "director"}, coordinators=[user], name="GCSMS Test")
    r = login_as(user).get(f"/projects/{project.id}/")
    assert r.status_code == 200
    assert "GCSMS Test" in r.text
    assert "Vue d'ensemble" in r.text


def test_outsider_gets_404_and_anonymous_redirects(login_as):
    user = create_user()
    project = create_project({user: "director"})
    assert login_as(create_user()).get(f"/projects/{project.id}/").status_code == 404
    r = login_as(None).get(f"/projects/{project.id}/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
