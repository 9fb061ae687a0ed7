"""Who may create a project: a site-level right, by organisation kind unless the
administrator decided for the person; the home page offers « Nouveau projet » accordingly."""

from __future__ import annotations

import pytest

from tests.factories import create_org, create_user
from workspace.extensions import db
from workspace.models import Project, User
from workspace.permissions import can

FORM = {"name": "Astreinte mutualisée", "form": "gcsms", "stage": "emergence"}


def _person(kind, **fields):
    return create_user(organisation=create_org(kind=kind), **fields)


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("association", True),
        ("saad", True),
        ("ehpad", True),
        ("network", True),
        ("funder", False),
        ("consultancy", False),
    ],
)
def test_the_default_follows_the_organisation_kind(kind, allowed, login_as):
    person = _person(kind)
    client = login_as(person)
    home = client.get("/").text
    assert ('href="/projects/new"' in home) is allowed
    r = client.get("/projects/new")
    assert r.status_code == (200 if allowed else 403)
    r = client.post("/projects/new", data=FORM)
    assert r.status_code == (302 if allowed else 403)
    created = db.session.scalar(db.select(Project).filter_by(name=FORM["name"]))
    assert (created is not None) is allowed
    if not allowed:
        assert "demandez une invitation" in home


def test_refusal_says_what_to_do(login_as):
    r = login_as(_person("funder")).get("/projects/new")
    assert r.status_code == 403
    assert "ne permet pas de créer un projet" in r.text


def test_the_administrators_choice_wins(app):
    funder_staff = _person("funder", may_create_projects=True)
    director = _person("association", may_create_projects=False)
    admin = _person("funder", is_admin=True)
    with app.test_request_context():
        assert can(funder_staff, None, "projects.create")
        assert not can(director, None, "projects.create")
        assert can(admin, None, "projects.create")


def test_the_kinds_are_configurable(app):
    person = _person("funder")
    app.config["PROJECT_CREATOR_KINDS"] = {"funder"}
    try:
        with app.test_request_context():
            assert can(person, None, "projects.create")
    finally:
        app.config["PROJECT_CREATOR_KINDS"] = {
            "association", "saad", "ssiad", "ehpad", "ccas", "network", "other",
        }  # fmt: skip


def test_the_administrator_sets_the_right_per_person(login_as):
    admin = login_as(create_user("Alice Admin", is_admin=True))
    person = _person("funder")
    page = admin.get(f"/admin/users/{person.id}").text
    assert "Création de projets" in page and "Selon le type de son organisation" in page
    data = {
        "email": person.email,
        "name": person.name,
        "organisation_id": person.organisation_id,
        "active": "y",
    }
    for choice, stored in (("yes", True), ("no", False), ("", None)):
        r = admin.post(f"/admin/users/{person.id}", data={**data, "project_creation": choice})
        assert r.status_code == 302
        db.session.expire_all()
        assert db.session.get(User, person.id).may_create_projects is stored
    r = admin.post(f"/admin/users/{person.id}", data={**data, "project_creation": "bogus"})
    assert r.status_code == 400
    # a form without the field keeps the current choice
    db.session.get(User, person.id).may_create_projects = True
    db.session.commit()
    r = admin.post(f"/admin/users/{person.id}", data=data)
    assert r.status_code == 302, r.text.split("field-error")[1][:300]
    db.session.expire_all()
    assert db.session.get(User, person.id).may_create_projects is True
