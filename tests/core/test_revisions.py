"""Revisions (workspace/cache/revisions.py): renewed by the transaction that changes what a project
shows, and only then."""

from __future__ import annotations

import pytest

from plugins.board import operations as ops
from plugins.board.models import SubItem
from plugins.board.positions import Order, lock_columns
from plugins.board.setup import ensure_columns
from plugins.comments.models import CommentRead
from tests.factories import create_org, project_with_roles
from workspace.cache import revisions
from workspace.events import publish
from workspace.extensions import db
from workspace.models import Organisation, Project, User


def project_revision(project) -> int:
    return revisions.current(project.id)[0]


def people_revision() -> int:
    return revisions.current(0)[1]


def test_every_model_says_how_its_changes_reach_a_revision():
    """A new model must have a ``project_id``, name its parent or opt out: a silent model
    would let a cached fragment hide its changes."""
    special = {User, Organisation, Project}
    unclassified = []
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if cls in special or "project_id" in mapper.columns:
            continue
        parent = getattr(cls, "__revision_parent__", None)
        if parent is not None:
            assert parent in mapper.relationships, f"{cls.__name__}.{parent} is no relationship"
            continue
        if getattr(cls, "__revision__", True) is False:
            continue
        unclassified.append(cls.__name__)
    assert unclassified == []


@pytest.fixture
def two_projects():
    project, people = project_with_roles()
    other, _ = project_with_roles()
    columns = ensure_columns(project)
    db.session.commit()
    return project, other, people, columns


def test_a_change_renews_its_project_only(two_projects):
    project, other, people, columns = two_projects
    before, other_before = project_revision(project), project_revision(other)
    assert before != 0
    ops.create_task(project, people["director"], columns[0], title="Nouvelle")
    db.session.commit()
    assert project_revision(project) != before
    assert project_revision(other) == other_before


def test_a_rolled_back_change_renews_nothing(two_projects):
    project, _other, people, columns = two_projects
    before = project_revision(project)
    ops.create_task(project, people["director"], columns[0], title="Abandonnée")
    db.session.rollback()
    assert project_revision(project) == before
    db.session.commit()  # nothing pending from the rolled-back transaction
    assert project_revision(project) == before


def test_the_revision_is_renewed_in_the_same_transaction(two_projects):
    """Another connection sees the new data and the new revision together, not before."""
    project, _other, people, columns = two_projects
    before = project_revision(project)
    task = ops.create_task(project, people["director"], columns[0], title="Atomique")
    db.session.flush()
    with db.engine.connect() as other_connection:
        seen = dict(other_connection.execute(db.select(revisions.revision_table)).all())
    assert seen[revisions.project_scope(project.id)] == before
    db.session.commit()
    assert task.id and project_revision(project) != before


def test_a_sub_item_reaches_its_project_through_its_task(two_projects):
    project, _other, people, columns = two_projects
    task = ops.create_task(project, people["director"], columns[0], title="Avec étapes")
    db.session.commit()
    before = project_revision(project)
    db.session.add(SubItem(task_id=task.id, title="Étape", position=0))
    db.session.commit()
    assert project_revision(project) != before


def test_core_updates_are_covered_by_touch(two_projects):
    project, _other, people, columns = two_projects
    tasks = [
        ops.create_task(project, people["director"], columns[0], title=f"T{i}") for i in (1, 2)
    ]
    db.session.commit()
    before = project_revision(project)
    lock_columns(project.id)  # as every position change does, without any publish
    order = Order(columns[0].id)
    order.reverse()
    order.write()  # a Core UPDATE: no ORM object changes
    db.session.commit()
    assert project_revision(project) != before
    assert [t.id for t in tasks] == list(reversed(Order(columns[0].id)))


def test_publish_renews_the_project(two_projects):
    project, _other, people, _columns = two_projects
    before = project_revision(project)
    publish("project:noted", project, people["director"], "note", log=False)
    db.session.commit()
    assert project_revision(project) != before


def test_partners_renew_the_project(two_projects):
    project, _other, _people, _columns = two_projects
    newcomer = create_org("Nouveau partenaire")
    before = project_revision(project)
    project.partners.append(newcomer)
    db.session.commit()
    assert project_revision(project) != before


def test_read_markers_renew_nothing(two_projects):
    project, _other, people, _columns = two_projects
    before, people_before = project_revision(project), people_revision()
    db.session.add(
        CommentRead(
            user_id=people["funder"].id,
            project_id=project.id,
            object_type="task",
            object_id=1,
            last_seen_id=3,
        )
    )
    db.session.commit()
    assert (project_revision(project), people_revision()) == (before, people_before)


@pytest.mark.parametrize(
    ("field", "value", "renews"),
    [
        ("name", "Nom changé", True),
        ("email", "nouvelle@example.org", True),
        ("active", False, True),
        ("password_hash", "x", False),
        ("locale", "en", False),
        ("session_epoch", 7, False),
    ],
)
def test_people_revision_follows_what_others_see_of_a_user(two_projects, field, value, renews):
    _project, _other, people, _columns = two_projects
    before = people_revision()
    setattr(people["funder"], field, value)
    db.session.commit()
    assert (people_revision() != before) is renews


def test_an_organisation_change_renews_people(two_projects):
    _project, _other, people, _columns = two_projects
    before = people_revision()
    people["funder"].organisation.color = "#123456"
    db.session.commit()
    assert people_revision() != before


def test_writes_pending_sees_the_current_transaction(two_projects):
    project, _other, people, columns = two_projects
    assert not revisions.writes_pending()
    ops.create_task(project, people["director"], columns[0], title="En cours d'écriture")
    assert revisions.writes_pending()
    db.session.commit()
    assert not revisions.writes_pending()
    revisions.touch(project.id)
    assert revisions.writes_pending()
    db.session.rollback()
    assert not revisions.writes_pending()
