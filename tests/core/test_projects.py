"""Closing and reopening a project, the activity feed and its hash-chain check."""

from __future__ import annotations

from workspace import operations
from workspace.cli import verify_activity
from workspace.events import publish
from workspace.extensions import db
from workspace.models import Activity, Project
from workspace.operations import project_archived


def test_archive_asks_whether_the_groupement_was_created(roles_project, login_as):
    project, people = roles_project
    received = []

    def listen(sender, actor, groupement_created):
        received.append((sender.id, actor.id, groupement_created))

    project_archived.connect(listen)
    client = login_as(people["coordinator"])
    try:
        page = client.get(f"/projects/{project.id}/settings").text
        assert "Clôturer le projet" in page and "le groupement a-t-il été créé ?" in page.lower()
        r = client.post(f"/projects/{project.id}/archive", data={})
        assert r.status_code == 400 and "Ce champ est obligatoire." in r.text
        r = client.post(
            f"/projects/{project.id}/archive", data={"archive-groupement_created": "maybe"}
        )
        assert r.status_code == 400
        assert not db.session.get(Project, project.id).archived
        r = client.post(
            f"/projects/{project.id}/archive", data={"archive-groupement_created": "no"}
        )
        assert r.status_code == 302
    finally:
        project_archived.disconnect(listen)
    assert received == [(project.id, people["coordinator"].id, False)]
    db.session.expire_all()
    assert db.session.get(Project, project.id).archived
    assert db.session.scalar(db.select(Activity).filter_by(verb="project:archived"))
    # Archived: read-only everywhere, and archiving twice is a conflict.
    assert (
        client.post(
            f"/projects/{project.id}/archive", data={"archive-groupement_created": "no"}
        ).status_code
        == 409
    )
    overview = client.get(f"/projects/{project.id}/").text
    assert "Archivé" in overview


def test_activity_filter_labels_and_pagination(roles_project, login_as):
    project, people = roles_project
    for i in range(60):
        publish("task:created", project, people["director"], f"a créé la tâche {i}", object_id=i)
    operations.update_project(project, people["coordinator"], name="Nouveau nom")
    db.session.commit()
    client = login_as(people["funder"])
    page = client.get(f"/projects/{project.id}/activity").text
    assert '<option value="task" >Tâches</option>' in page.replace("  ", " ")
    assert ">Projet</option>" in page
    assert "Page 1 sur 2" in page and "a modifié les informations du projet" in page
    page2 = client.get(f"/projects/{project.id}/activity?page=2").text
    assert "a créé la tâche 0" in page2 and "Page 2 sur 2" in page2
    only = client.get(f"/projects/{project.id}/activity?type=project").text
    assert "a modifié les informations du projet" in only and "a créé la tâche" not in only
    frag = client.get(f"/projects/{project.id}/activity?type=task", headers={"HX-Request": "true"})
    assert frag.status_code == 200 and "<html" not in frag.text and "tâche 59" in frag.text
    for bad in ("?page=abc", "?page=-4", "?page=99999999999999999999", "?type=" + "x" * 500):
        assert client.get(f"/projects/{project.id}/activity{bad}").status_code == 200


def test_activity_verify_command(app, roles_project):
    project, people = roles_project
    operations.update_project(project, people["coordinator"], name="Un")
    operations.update_project(project, people["coordinator"], name="Deux")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(verify_activity, [])
    assert result.exit_code == 0 and result.output.strip() == "OK"
    first = db.session.scalar(db.select(Activity).order_by(Activity.id))
    first.summary = "a tout effacé"
    db.session.commit()
    result = runner.invoke(verify_activity, ["--project", str(project.id)])
    assert result.exit_code == 1
    assert f"entry {first.id}" in result.output and "a tout effacé" in result.output
    assert runner.invoke(verify_activity, ["--project", "9999"]).exit_code != 0


def test_create_project_makes_the_creator_coordinator(login_as):
    from tests.factories import create_user

    user = create_user()
    client = login_as(user)
    r = client.post(
        "/projects/new", data={"name": "GCSMS Nord", "form": "gcsms", "stage": "emergence"}
    )
    assert r.status_code == 302
    project = db.session.scalar(db.select(Project).filter_by(name="GCSMS Nord"))
    m = project.memberships[0]
    assert (m.user_id, m.role, m.coordinator) == (user.id, "director", True)


def test_project_form_bad_input(login_as):
    from tests.factories import create_user

    client = login_as(create_user())
    good = {"name": "GCSMS", "form": "gcsms", "stage": "emergence"}
    cases = [
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"name": "x" * 201}, "200 caractères au plus"),
        ({"form": "empire"}, "pas un choix valide"),
        ({"stage": "fin"}, "pas un choix valide"),
        ({"summary": "x" * 5001}, "5000 caractères au plus"),
        ({"territory": "x" * 201}, "200 caractères au plus"),
        ({"start_date": "pas une date"}, "date"),
        ({"start_date": "2026-05-01", "end_date": "2026-01-01"}, "doit suivre"),
        ({"partners": "abc"}, "ne peuvent pas être converties"),
    ]
    for change, message in cases:
        r = client.post("/projects/new", data={**good, **change})
        assert r.status_code == 400, change
        assert message in r.text, (change, message)
    assert db.session.scalar(db.select(db.func.count(Project.id))) == 0
