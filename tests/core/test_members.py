"""Members page: grouped by organisation, coordinator controls, the last coordinator rule."""

from __future__ import annotations

from tests.factories import create_project, create_user
from workspace import operations
from workspace.extensions import db
from workspace.models import Activity, Membership

HTMX = {"HX-Request": "true"}


def _m(project, user):
    return db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=user.id)
    )


def test_members_grouped_by_organisation_with_roles(roles_project, login_as):
    project, people = roles_project
    page = login_as(people["funder"]).get(f"/projects/{project.id}/members/").text
    for who in ("coordinator", "director", "adviser", "evaluator", "funder"):
        assert people[who].name in page
        assert people[who].organisation.name in page
    assert "Conseil du Pôle" in page and "Financeur" in page and "Coordination" in page
    # The funder sees no control at all.
    for control in ("/change", "/remove", "/invite", "Inviter une personne", "<select", "Retirer"):
        assert control not in page, control


def test_coordinator_sees_the_controls(roles_project, login_as):
    project, people = roles_project
    page = login_as(people["coordinator"]).get(f"/projects/{project.id}/members/").text
    assert "Inviter une personne" in page and "Retirer" in page and "hx-confirm" in page


def test_change_role_with_htmx_returns_the_list(roles_project, login_as):
    project, people = roles_project
    target = _m(project, people["director"])
    r = login_as(people["coordinator"]).post(
        f"/projects/{project.id}/members/{target.id}/change",
        data={"role": "director", "coordinator": "y"},
        headers=HTMX,
    )
    assert r.status_code == 200 and 'id="members-list"' in r.text
    assert "coop:toast" in r.headers["HX-Trigger"]
    db.session.refresh(target)
    assert target.coordinator is True
    assert db.session.scalar(db.select(Activity).filter_by(verb="member:changed"))


def test_coordinator_flag_needs_the_director_role(roles_project, login_as):
    project, people = roles_project
    target = _m(project, people["adviser"])
    r = login_as(people["coordinator"]).post(
        f"/projects/{project.id}/members/{target.id}/change",
        data={"role": "adviser", "coordinator": "y"},
    )
    assert r.status_code == 400 and "Seule une direction partenaire" in r.text
    db.session.refresh(target)
    assert target.coordinator is False


def test_change_bad_role_is_400(roles_project, login_as):
    project, people = roles_project
    target = _m(project, people["director"])
    r = login_as(people["coordinator"]).post(
        f"/projects/{project.id}/members/{target.id}/change", data={"role": "boss"}
    )
    assert r.status_code == 400 and "pas un choix valide" in r.text
    db.session.refresh(target)
    assert target.role == "director"


def test_remove_member(roles_project, login_as):
    project, people = roles_project
    target = _m(project, people["evaluator"])
    r = login_as(people["coordinator"]).post(
        f"/projects/{project.id}/members/{target.id}/remove", headers=HTMX
    )
    assert r.status_code == 200
    assert people["evaluator"].name not in r.text.split("toast")[0]
    assert _m(project, people["evaluator"]) is None
    assert login_as(people["evaluator"]).get(f"/projects/{project.id}/").status_code == 404


def test_last_coordinator_cannot_be_removed_or_demoted(roles_project, login_as):
    project, people = roles_project
    me = _m(project, people["coordinator"])
    client = login_as(people["coordinator"])
    activity = db.session.scalar(db.select(db.func.count(Activity.id)))
    r = client.post(f"/projects/{project.id}/members/{me.id}/remove", headers=HTMX)
    assert r.status_code == 400 and "Le dernier coordinateur ne peut pas être retiré." in r.text
    r = client.post(f"/projects/{project.id}/members/{me.id}/change", data={"role": "director"})
    assert r.status_code == 400 and "au moins un coordinateur" in r.text
    r = client.post(f"/projects/{project.id}/members/{me.id}/change", data={"role": "funder"})
    assert r.status_code == 400
    db.session.expire_all()
    me = _m(project, people["coordinator"])
    assert me.role == "director" and me.coordinator is True
    assert db.session.scalar(db.select(db.func.count(Activity.id))) == activity


def test_a_second_coordinator_allows_stepping_down(roles_project, login_as):
    project, people = roles_project
    operations.change_member(
        project, people["coordinator"], _m(project, people["director"]), "director", True
    )
    db.session.commit()
    me = _m(project, people["coordinator"])
    r = login_as(people["coordinator"]).post(
        f"/projects/{project.id}/members/{me.id}/change", data={"role": "director"}
    )
    assert r.status_code == 302
    db.session.refresh(me)
    assert me.coordinator is False


def test_one_role_per_project(roles_project):
    project, people = roles_project
    try:
        operations.add_member(project, people["coordinator"], people["funder"], "director")
    except operations.AlreadyMember:
        db.session.rollback()
    else:  # pragma: no cover
        raise AssertionError("a second role was accepted")
    assert (
        db.session.scalar(
            db.select(db.func.count(Membership.id)).filter_by(user_id=people["funder"].id)
        )
        == 1
    )


def test_membership_of_another_project_is_404(roles_project, login_as):
    project, people = roles_project
    other_user = create_user()
    other = create_project({other_user: "director"}, coordinators=[other_user])
    foreign = _m(other, other_user)
    client = login_as(people["coordinator"])
    assert client.post(f"/projects/{project.id}/members/{foreign.id}/remove").status_code == 404
    assert client.post(f"/projects/{project.id}/members/999999/change").status_code == 404
    assert client.post(f"/projects/{project.id}/members/invitations/9999/revoke").status_code == 404
    assert _m(other, other_user) is not None


def test_live_fragment(roles_project, login_as):
    project, people = roles_project
    r = login_as(people["adviser"]).get(f"/projects/{project.id}/members/list", headers=HTMX)
    assert r.status_code == 200 and 'data-live="members"' in r.text
    assert "<html" not in r.text


def test_a_membership_loaded_with_the_project_answers_can_without_a_query(roles_project):
    """``remember_membership`` primes the request's cache; someone else's is refused."""
    import pytest
    from flask import g

    from workspace.permissions import can, remember_membership

    project, people = roles_project
    director, funder = people["director"], people["funder"]
    mine = db.session.scalar(db.select(Membership).filter_by(user_id=director.id))
    g.pop("_memberships", None)
    remember_membership(director, project, mine)
    remember_membership(funder, project, None)  # as if the join found no row
    assert can(director, project, "project.view")
    assert not can(funder, project, "project.view")  # the primed answer, not the database
    with pytest.raises(ValueError):
        remember_membership(funder, project, mine)
    g.pop("_memberships", None)
