"""Every milestones endpoint × every row of WHO."""

from __future__ import annotations

import pytest

from plugins.milestones.models import Milestone, MilestoneCalendarToken
from tests.conftest import WHO, client_for
from workspace.extensions import db
from workspace.models import count

from .conftest import make_milestone

VIEWERS = {"coordinator", "director", "adviser", "evaluator", "funder"}
EDITORS = {"coordinator", "director"}


def _denied(who: str, r, page: bool):
    if who == "anonymous":
        if page:
            return r.status_code == 302 and "/login" in r.headers["Location"]
        return r.status_code in (302, 401)
    if who in ("outsider", "admin"):
        return r.status_code == 404
    return r.status_code == 403


PAGES = ["", "list", "new", "{m}", "{m}/panel", "{m}/edit", "calendar"]
PAGE_PERMS = {"new": EDITORS, "{m}/edit": EDITORS, "calendar": {"coordinator"}}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", PAGES)
def test_pages(roles_project, login_as, who, page):
    project, people = roles_project
    m = make_milestone(project, people, "submitted")
    url = f"/projects/{project.id}/milestones/" + page.format(m=m.id)
    r = client_for(who, people, login_as).get(url)
    if who in PAGE_PERMS.get(page, VIEWERS):
        assert r.status_code == 200
        assert "Projet de convention constitutive" in r.text or page in ("new", "calendar")
    else:
        assert _denied(who, r, page=True)


POSTS = {
    "{m}/edit": ({"title": "Changé", "version": "1"}, EDITORS),
    "{m}/delete": ({}, EDITORS),
    "{m}/evidence": ({"kind": "link", "url": "https://example.org/a"}, EDITORS),
    "{m}/evidence/{e}/delete": ({}, EDITORS),
    "{m}/submit": ({"message": "Prêt"}, EDITORS),
    "{m}/validate": ({"reason": ""}, {"adviser"}),
    "{m}/return": ({"return-reason": "Non"}, {"adviser"}),
    "{m}/reopen": ({"reopen-reason": "Non"}, {"adviser"}),
    "calendar": ({"action": "create"}, {"coordinator"}),
}


def _state(project_id):
    db.session.expire_all()
    ms = db.session.scalars(db.select(Milestone).filter_by(project_id=project_id)).all()
    return (
        [(m.title, m.status, m.version, len(m.evidence), len(m.reviews)) for m in ms],
        count(db.select(MilestoneCalendarToken)),
    )


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("path", list(POSTS))
def test_posts_refused_change_nothing(roles_project, login_as, who, path):
    project, people = roles_project
    state = "validated" if path.endswith("reopen") else "submitted"
    if path in ("{m}/delete", "{m}/submit"):
        state = "planned"
    m = make_milestone(project, people, state)
    data, allowed = POSTS[path]
    data = {**data, "version": str(m.version)} if "version" in data else data
    before = _state(project.id)
    url = f"/projects/{project.id}/milestones/" + path.format(m=m.id, e=m.evidence[0].id)
    r = client_for(who, people, login_as).post(url, data=data)
    if who in allowed:
        assert r.status_code in (200, 302), (who, path, r.status_code)
        assert _state(project.id) != before
    else:
        assert _denied(who, r, page=True), (who, path, r.status_code)
        assert _state(project.id) == before


def test_funder_forged_posts_on_every_endpoint(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "submitted")
    funder = login_as(people["funder"])
    before = _state(project.id)
    for path, (data, _allowed) in POSTS.items():
        data = {**data, "version": str(m.version)} if "version" in data else data
        url = f"/projects/{project.id}/milestones/" + path.format(m=m.id, e=m.evidence[0].id)
        assert funder.post(url, data=data).status_code == 403, path
    assert (
        funder.post(f"/projects/{project.id}/milestones/new", data={"title": "X"}).status_code
        == 403
    )
    assert _state(project.id) == before


def test_funder_sees_no_controls(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "submitted")
    html = login_as(people["funder"]).get(f"/projects/{project.id}/milestones/{m.id}").text
    for word in (
        "Valider le jalon",
        "Renvoyer",
        "Soumettre",
        "Modifier",
        "Joindre",
        '<form method="post" action="/projects',
    ):
        assert word not in html
    index = login_as(people["funder"]).get(f"/projects/{project.id}/milestones/").text
    assert "Nouveau jalon" not in index and "Agenda (iCal)" not in index


def test_other_projects_milestone_is_404(roles_project, login_as):
    project, people = roles_project
    from tests.factories import create_project

    other = create_project({people["director"]: "director"})
    m = make_milestone(project, people, "planned")
    client = login_as(people["director"])
    assert client.get(f"/projects/{other.id}/milestones/{m.id}").status_code == 404
    assert (
        client.post(
            f"/projects/{other.id}/milestones/{m.id}/submit", data={"message": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/projects/{project.id}/milestones/999999").status_code == 404
    assert client.get(f"/projects/{project.id}/milestones/abc").status_code == 404


def test_archived_project_refuses_writes(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "submitted")
    project.archived = True
    db.session.commit()
    r = login_as(people["adviser"]).post(f"/projects/{project.id}/milestones/{m.id}/validate")
    assert r.status_code == 403
    assert (
        login_as(people["funder"]).get(f"/projects/{project.id}/milestones/{m.id}").status_code
        == 200
    )
