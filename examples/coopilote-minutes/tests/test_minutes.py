"""The example plugin: tab, permission matrix, bad input, realtime notice, widget, migration."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from workspace.extensions import db
from workspace.plugins import plugins

GOOD = {"title": "Comité de pilotage", "held_on": "2026-11-20", "body": "Décisions : …"}


def _count():
    from coopilote_minutes.models import Meeting

    return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))


def test_the_plugin_is_loaded_from_its_entry_point():
    names = [p.name for p in plugins()]
    assert "minutes" in names
    minutes = next(p for p in plugins() if p.name == "minutes")
    assert [w.name for w in minutes.widgets] == ["minutes"]


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("director", 200),
        ("adviser", 200),
        ("evaluator", 200),
        ("funder", 200),
    ],
)
def test_the_tab_is_readable_by_members(people, login_as, who, status):
    project, person = people
    client = login_as(None if who == "anonymous" else person[who])
    response = client.get(f"/projects/{project.id}/minutes/")
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]
    if status == 200:
        assert "Aucun compte rendu pour l'instant" in response.text
        assert f'href="/projects/{project.id}/minutes/"' in response.text  # the tab


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("director", 302),
        ("adviser", 302),
        ("evaluator", 403),
        ("funder", 403),
    ],
)
def test_who_may_record_minutes(people, login_as, who, status):
    project, person = people
    client = login_as(None if who == "anonymous" else person[who])
    response = client.post(f"/projects/{project.id}/minutes/", data=GOOD)
    assert response.status_code == status
    assert _count() == (1 if who in ("director", "adviser") else 0)


def test_the_funder_sees_no_form(people, login_as):
    project, person = people
    page = login_as(person["funder"]).get(f"/projects/{project.id}/minutes/").text
    assert "Nouveau compte rendu" not in page and 'name="held_on"' not in page
    assert (
        "Nouveau compte rendu"
        in login_as(person["director"]).get(f"/projects/{project.id}/minutes/").text
    )


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "Donnez un titre au compte rendu."),
        ("title", "x" * 201, "200 caractères au plus."),
        ("held_on", "le 20 novembre", "Indiquez une date valide."),
        ("body", "x" * 20_001, "Texte trop long."),
    ],
)
def test_bad_input_is_refused_in_french(people, login_as, field, value, message):
    project, person = people
    response = login_as(person["director"]).post(
        f"/projects/{project.id}/minutes/", data={**GOOD, field: value}
    )
    assert response.status_code == 400
    assert message in response.text
    assert _count() == 0


def test_recording_publishes_a_live_notice(people, login_as, emitted):
    project, person = people
    login_as(person["director"]).post(f"/projects/{project.id}/minutes/", data=GOOD)
    [notice] = [n for n in emitted if n["type"] == "minutes:created"]
    assert "minutes:list" in notice["keys"]
    assert notice["url"].startswith(f"/projects/{project.id}/minutes/")
    assert "Comité de pilotage" in notice["summary"]["fr"]
    fragment = login_as(person["funder"]).get(f"/projects/{project.id}/minutes/list")
    assert fragment.status_code == 200 and "Comité de pilotage" in fragment.text
    assert 'data-live="minutes:list"' in fragment.text


def test_nothing_is_emitted_after_a_rollback(app, people, emitted):
    from coopilote_minutes.operations import record_meeting

    project, person = people
    with app.test_request_context():
        record_meeting(project, person["director"], "Brouillon", date(2026, 11, 1), "")
        db.session.rollback()
    assert emitted == [] and _count() == 0


def test_the_widget_shows_the_latest_minutes_or_hides(app, people):
    from coopilote_minutes import widget_data
    from coopilote_minutes.operations import record_meeting

    project, person = people
    assert widget_data(project, person["funder"]) is None
    with app.test_request_context():  # operations build the notice's URL
        for day in (1, 2, 3, 4):
            record_meeting(project, person["director"], f"Réunion {day}", date(2026, 11, day), "")
        db.session.commit()
    data = widget_data(project, person["funder"])
    assert [m.title for m in data["meetings"]] == ["Réunion 4", "Réunion 3", "Réunion 2"]


def test_the_migration_creates_the_model_table(tmp_path):
    """Apply the plugin's Alembic version to a database holding the core tables only."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from coopilote_minutes.migrations.versions import a1b2c3d4e5f6_minutes_meeting as version
    from coopilote_minutes.models import Meeting

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    core = [t for t in db.metadata.sorted_tables if not t.name.startswith("minutes_")]
    db.metadata.create_all(engine, tables=core)
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        version.upgrade()
    columns = {c["name"] for c in sa.inspect(engine).get_columns("minutes_meeting")}
    assert columns == {c.name for c in Meeting.__table__.columns}
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        version.downgrade()
    assert "minutes_meeting" not in sa.inspect(engine).get_table_names()
