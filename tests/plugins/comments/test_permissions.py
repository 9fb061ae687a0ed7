"""Every endpoint of the comments plugin × every row of WHO."""

from __future__ import annotations

import pytest

from plugins.comments.models import Comment
from tests.conftest import WHO, client_for
from workspace.extensions import db

from .helpers import post

VIEW = {"anonymous": 302, "outsider": 404, "admin": 404}
READERS = dict.fromkeys(["coordinator", "director", "adviser", "evaluator", "funder"], 200)


def _expect(table, who):
    return table.get(who, VIEW.get(who))


@pytest.fixture
def setup(roles_project, login_as):
    project, people = roles_project
    cid = post(login_as(people["director"]), project, "Existant").json["id"]
    return project, people, cid


GETS = [
    ("/comments/", {}),
    ("/comments/threads", {}),
    ("/comments/thread/project/{pid}", {}),
    ("/comments/{cid}", {}),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("path", "_x"), GETS)
def test_pages_for_readers(who, path, _x, setup, login_as):
    project, people, cid = setup
    r = client_for(who, people, login_as).get(
        f"/projects/{project.id}" + path.format(pid=project.id, cid=cid)
    )
    assert r.status_code == _expect(READERS, who)
    if who == "anonymous":
        assert "/login" in r.headers["Location"]


@pytest.mark.parametrize("who", WHO)
def test_since_json(who, setup, login_as):
    project, people, cid = setup
    r = client_for(who, people, login_as).get(
        f"/projects/{project.id}/comments/since",
        query_string={"after": 0, "type": "project", "id": project.id},
        headers={"Accept": "application/json"},
    )
    expected = {"anonymous": 401, "outsider": 404, "admin": 404}.get(who, 200)
    assert r.status_code == expected
    if expected == 200:
        assert [i["id"] for i in r.json["items"]] == [cid]


@pytest.mark.parametrize("who", WHO)
def test_read_marker(who, setup, login_as):
    project, people, _cid = setup
    r = client_for(who, people, login_as).post(
        f"/projects/{project.id}/comments/read", data={"type": "project", "id": project.id}
    )
    assert r.status_code == {"anonymous": 302, "outsider": 404, "admin": 404}.get(who, 204)


POSTERS = {"coordinator": 302, "director": 302, "adviser": 302, "evaluator": 302, "funder": 403}


@pytest.mark.parametrize("who", WHO)
def test_create(who, setup, login_as):
    project, people, _cid = setup
    r = post(client_for(who, people, login_as), project, f"Par {who}", json=False)
    assert r.status_code == _expect(POSTERS, who)
    created = db.session.scalar(db.select(Comment).filter_by(body=f"Par {who}"))
    assert (created is not None) == (r.status_code == 302 and who != "anonymous")


@pytest.mark.parametrize("who", WHO)
def test_members_autocomplete(who, setup, login_as):
    project, people, _cid = setup
    r = client_for(who, people, login_as).get(f"/projects/{project.id}/comments/members?q=jul")
    assert r.status_code == _expect({**dict.fromkeys(POSTERS, 200), "funder": 403}, who)
    if r.status_code == 200:
        assert [p["name"] for p in r.json] == [people["adviser"].name]
        assert r.json[0]["organisation"] == people["adviser"].organisation.name


def test_autocomplete_lists_members_only(setup, login_as):
    project, people, _cid = setup
    r = login_as(people["director"]).get(f"/projects/{project.id}/comments/members?q=o")
    assert people["outsider"].name not in [p["name"] for p in r.json]


# Edit and delete: only the author (the director here); other posters 403; funder 403.
AUTHOR_ONLY = {"coordinator": 403, "director": 200, "adviser": 403, "evaluator": 403, "funder": 403}


@pytest.mark.parametrize("who", WHO)
def test_edit_form(who, setup, login_as):
    project, people, cid = setup
    r = client_for(who, people, login_as).get(f"/projects/{project.id}/comments/{cid}/edit")
    assert r.status_code == _expect(AUTHOR_ONLY, who)


@pytest.mark.parametrize("who", WHO)
def test_edit(who, setup, login_as):
    project, people, cid = setup
    r = client_for(who, people, login_as).post(
        f"/projects/{project.id}/comments/{cid}/edit", data={"body": f"Modifié par {who}"}
    )
    assert r.status_code == _expect(AUTHOR_ONLY, who)
    db.session.expire_all()
    body = db.session.get(Comment, cid).body
    assert body == (f"Modifié par {who}" if r.status_code == 200 else "Existant")


@pytest.mark.parametrize("who", WHO)
def test_delete(who, setup, login_as):
    project, people, cid = setup
    r = client_for(who, people, login_as).post(f"/projects/{project.id}/comments/{cid}/delete")
    assert r.status_code == _expect(AUTHOR_ONLY, who)
    db.session.expire_all()
    assert (db.session.get(Comment, cid).deleted_at is not None) == (r.status_code == 200)


def test_forged_post_by_the_funder_changes_nothing(setup, login_as):
    project, people, cid = setup
    funder = login_as(people["funder"])
    assert post(funder, project, "Forgé").status_code == 403
    assert (
        funder.post(f"/projects/{project.id}/comments/{cid}/edit", data={"body": "x"}).status_code
        == 403
    )
    assert funder.post(f"/projects/{project.id}/comments/{cid}/delete").status_code == 403
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1
    assert db.session.get(Comment, cid).body == "Existant"


def test_malformed_ids_are_404(setup, login_as):
    project, people, _cid = setup
    client = login_as(people["director"])
    assert client.get(f"/projects/{project.id}/comments/abc").status_code == 404
    assert client.get(f"/projects/{project.id}/comments/thread/project/-1").status_code == 404
    assert client.get(f"/projects/{project.id}/comments/99999999999999").status_code == 404
