"""Project backup: export the demo project as one zip, import it into an empty database, compare
every row field by field (ids aside), the documents byte for byte and the activity chain, and
export it again. Hostile and damaged files are in test_backup_hostile.py."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from tests.conftest import _clean
from tests.hardening.world import demo_world
from tests.jobs import prepare_backup, run_jobs
from workspace.backup.export import (
    DERIVED,
    JSON_REFS,
    OBJECT_TABLES,
    PLAIN_REFS,
    SECRETS,
    _encode,
    export_archive,
)
from workspace.backup.importer import import_project, read_archive
from workspace.events import verify_chain
from workspace.extensions import db

SKIPPED = {("user_account", "password_hash")}


def _expected(name, row, maps):
    table, out = db.metadata.tables[name], {}
    for col in table.columns:
        if col.name == "id" or (name, col.name) in DERIVED | SKIPPED | SECRETS:
            continue
        if col.name not in row:
            continue
        value = row[col.name]
        fk = next(iter(col.foreign_keys), None)
        if value is not None and fk is not None:
            value = maps[fk.column.table.name][value]
        elif value is not None and (name, col.name) in PLAIN_REFS:
            value = maps[PLAIN_REFS[(name, col.name)]][value]
        elif value is not None and (name, col.name) in JSON_REFS:
            key, target = JSON_REFS[(name, col.name)]
            value = [e | {key: maps[target].get(e[key])} for e in value]
        elif col.name == "object_id" and row.get("object_type") in OBJECT_TABLES and value:
            ids = maps.get(OBJECT_TABLES[row["object_type"]], {})
            # the history of a deleted object keeps no id (it would name another object)
            value = ids.get(value) if name == "activity" else ids[value]
        out[col.name] = value
    return out


def _actual(name, where):
    table = db.metadata.tables[name]
    row = db.session.execute(select(table).where(where(table))).mappings().one()
    return {k: _encode(v) for k, v in row.items()}


def _normalise(value):
    # JSON numbers and strings of a Decimal compare as text; datetimes as ISO text.
    return str(value) if value is not None else None


def test_round_trip_through_the_cli(app, tmp_path):
    world = demo_world()
    pid = world.project.id
    runner = app.test_cli_runner()
    zip_path = tmp_path / "projet.zip"
    result = runner.invoke(args=["project", "export", str(pid), "-o", str(zip_path)])
    assert result.exit_code == 0, result.output
    data, files = read_archive(zip_path.read_bytes())
    assert (data["format"], data["version"]) == ("coopilote-project", 2)
    assert data["activity_chain_intact"] is True and data["missing_files"] == []
    counts = {name: len(rows) for name, rows in data["tables"].items()}
    for name in (
        "board_task",
        "checklists_item",
        "milestones_milestone",
        "funding_line",
        "indicators_measurement",
        "comments_comment",
        "comments_comment_file",
        "activity",
        "membership",
        "milestones_review",
        "stored_file",
        "api_webhook",
        "plan_section",
        "plan_content",
        "plan_version",
    ):
        assert counts.get(name), (name, counts)
    assert all("password_hash" not in u for u in data["tables"]["user_account"])
    assert all("secret" not in h for h in data["tables"]["api_webhook"])
    assert sorted(files) == sorted(r["id"] for r in data["tables"]["stored_file"])

    db.session.remove()
    _clean(app)  # an empty database
    result = runner.invoke(args=["project", "import", str(zip_path)])
    assert result.exit_code == 0, result.output
    new_pid = int(result.output.split()[-1])
    assert verify_chain(new_pid) is None

    db.session.remove()
    _clean(app)
    new_pid, maps = import_project(data, files)
    compared = 0
    for name, rows in data["tables"].items():
        table = db.metadata.tables[name]
        for row in rows:
            expected = _expected(name, row, maps)
            if "id" in table.c:
                new_id = maps[name][row["id"]]
                actual = _actual(name, lambda t, i=new_id: t.c.id == i)
            else:
                # A table keyed by other columns (an association, a section's content): found
                # by its primary key when it has one, else by every column.
                keys = [c.name for c in table.primary_key.columns] or list(expected)
                conds = {k: expected[k] for k in keys}
                actual = _actual(
                    name, lambda t, c=conds: db.and_(*(t.c[k] == v for k, v in c.items()))
                )
            for key, value in expected.items():
                assert _normalise(actual[key]) == _normalise(value), (name, row, key, actual)
            compared += 1
    assert compared == sum(counts.values())
    # Export → import → export: the same rows (renumbered) and the same documents, byte for byte.
    again, again_files = read_archive(export_archive(new_pid))
    assert {n: len(r) for n, r in again["tables"].items()} == counts
    for old_id, blob in files.items():
        assert again_files[maps["stored_file"][old_id]] == blob
    for name, rows in data["tables"].items():
        if "id" not in db.metadata.tables[name].c:
            continue
        by_id = {r["id"]: r for r in again["tables"][name]}
        for row in rows:
            exported = by_id[maps[name][row["id"]]]
            for key, value in _expected(name, row, maps).items():
                assert _normalise(exported[key]) == _normalise(value), (name, key)


def test_a_restored_project_serves_its_documents(app, login_as):
    world = demo_world()
    data, files = read_archive(export_archive(world.project.id))
    new_pid, maps = import_project(data, files)
    from workspace.models import StoredFile

    client = login_as(world.people["funder"])
    row = data["tables"]["stored_file"][0]
    new_id = maps["stored_file"][row["id"]]
    r = client.get(f"/projects/{new_pid}/files/{new_id}")
    assert r.status_code == 200 and r.data == files[row["id"]]
    # A document whose content is gone answers 404 with the French page, never 500.
    from workspace.web.uploads import path_of

    path_of(db.session.get(StoredFile, new_id)).unlink()
    r = client.get(f"/projects/{new_pid}/files/{new_id}")
    assert r.status_code == 404 and "Page introuvable" in r.text


def test_export_is_coordinator_only_and_versioned(login_as):
    world = demo_world()
    pid = world.project.id
    r = login_as(world.people["coordinator"]).get(f"/projects/{pid}/backup.json")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert r.json["format"] == "coopilote-project" and r.json["project_id"] == pid
    z = prepare_backup(login_as(world.people["coordinator"]), world.project)
    assert z.status_code == 200 and "attachment" in z.headers["Content-Disposition"]
    assert "project.json" in zipfile.ZipFile(io.BytesIO(z.data)).namelist()
    page = login_as(world.people["coordinator"]).get(f"/projects/{pid}/settings")
    assert (
        f"/projects/{pid}/backup.json" in page.text and f"/projects/{pid}/backup.zip" in page.text
    )
    zip_url = f"/projects/{pid}/backup.zip"
    for who in ("director", "adviser", "evaluator", "funder"):
        assert login_as(world.people[who]).get(f"/projects/{pid}/backup.json").status_code == 403
        assert login_as(world.people[who]).post(zip_url).status_code == 403
    for who in ("outsider", "admin"):
        assert login_as(world.people[who]).get(f"/projects/{pid}/backup.json").status_code == 404
        assert login_as(world.people[who]).post(zip_url).status_code == 404
    assert login_as(None).post(zip_url).status_code == 302
    assert run_jobs() == 0  # nothing was queued by the refused requests


def test_the_full_backup_is_built_by_a_job_for_its_owner_alone(login_as):
    """The zip of data and documents is built off the request path; the request answers at
    once with the progress; the file is its owner's alone; lost rights stop the job."""
    import re

    from workspace.jobs import DONE, FAILED, Job
    from workspace.models import Membership

    world = demo_world()
    pid = world.project.id
    coordinator = login_as(world.people["coordinator"])
    r = coordinator.post(f"/projects/{pid}/backup.zip", headers={"HX-Request": "true"})
    assert r.status_code == 202 and "<progress" in r.text
    job_id = int(re.search(r'id="job-(\d+)"', r.text).group(1))
    assert coordinator.get(f"/jobs/{job_id}/file").status_code == 404  # not built yet
    assert run_jobs() == 1
    done = coordinator.get(f"/jobs/{job_id}", headers={"HX-Request": "true"})
    assert "La sauvegarde du projet est prête" in done.text
    assert f'href="/jobs/{job_id}/file"' in done.text
    z = coordinator.get(f"/jobs/{job_id}/file")
    assert z.status_code == 200 and z.mimetype == "application/zip"
    assert f"coopilote-projet-{pid}-" in z.headers["Content-Disposition"]
    data, files = read_archive(z.data)
    assert data["project_id"] == pid and len(files) == len(data["tables"]["stored_file"])
    for who in ("director", "adviser", "outsider", "admin"):  # another person's job: not found
        assert login_as(world.people[who]).get(f"/jobs/{job_id}/file").status_code == 404
    # Asked, then the asker is no longer a coordinator when the worker gets to it.
    coordinator.post(f"/projects/{pid}/backup.zip")
    membership = db.session.scalar(
        db.select(Membership).filter_by(user_id=world.people["coordinator"].id, project_id=pid)
    )
    membership.coordinator = False
    db.session.commit()
    assert run_jobs() == 1
    last = db.session.scalar(db.select(Job).order_by(Job.id.desc()))
    assert last.status == FAILED and "ne pouvez plus sauvegarder" in last.error
    assert db.session.get(Job, job_id).status == DONE
