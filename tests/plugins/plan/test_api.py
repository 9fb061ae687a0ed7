"""The plan in the REST API: sections with their live text, versions with theirs, read-only,
for every member; another project's ids are not found."""

from __future__ import annotations

import pytest

from plugins.plan import crdt
from plugins.plan import versions as v
from tests.api.conftest import Api, make_token
from workspace.extensions import db

from .conftest import Editor


@pytest.fixture
def api_for(app):
    return lambda user, scope="write": Api(app.test_client(), make_token(user, scope))


def test_sections_carry_the_text_as_it_is_now(plan, api_for):
    project, people, sections = plan
    crdt.apply_update(
        sections[0].id, None, Editor().type(0, "<b>Texte</b> partagé", {"bold": True})
    )
    db.session.commit()  # not compacted: the API reads the pending update too
    api = api_for(people["funder"], scope="read")
    r = api.get(f"/api/v1/projects/{project.id}/plan/sections?limit=100")
    assert r.status_code == 200
    data = r.get_json()["data"]
    assert [s["id"] for s in data] == [s.id for s in sections]
    first = data[0]
    assert first["title"] == "Contexte et besoins" and first["status"] == "draft"
    assert first["text"] == "<b>Texte</b> partagé"
    assert first["html"] == "<p><strong>&lt;b&gt;Texte&lt;/b&gt; partagé</strong></p>"
    one = api.get(f"/api/v1/projects/{project.id}/plan/sections/{sections[0].id}").get_json()
    assert one == first


def test_versions_carry_their_text(plan, api_for):
    project, people, sections = plan
    crdt.apply_update(sections[1].id, None, Editor().type(0, "Objectif signé"))
    version = v.save_version(project, people["director"], "Version signée")
    db.session.commit()
    api = api_for(people["evaluator"], scope="read")
    listed = api.get(f"/api/v1/projects/{project.id}/plan/versions").get_json()["data"]
    assert [x["name"] for x in listed] == ["Version signée"]
    got = api.get(f"/api/v1/projects/{project.id}/plan/versions/{version.id}").get_json()
    assert got["sections"][1]["text"] == "Objectif signé"
    assert got["created_by_id"] == people["director"].id


@pytest.mark.parametrize("who", ["outsider", "admin"])
def test_non_members_get_404(plan, api_for, who):
    project, people, _sections = plan
    r = api_for(people[who]).get(f"/api/v1/projects/{project.id}/plan/sections")
    assert r.status_code == 404


def test_another_projects_section_is_not_found(plan, api_for):
    from tests.factories import project_with_roles

    from .conftest import start_plan

    project, people, _sections = plan
    other, other_people = project_with_roles()
    foreign = start_plan(other, other_people)[0]
    r = api_for(people["director"]).get(f"/api/v1/projects/{project.id}/plan/sections/{foreign.id}")
    assert r.status_code == 404
