"""Project backup: export the demo project, import it into an empty database, compare every
row field by field (ids aside), the files byte for byte and the activity chain."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from sqlalchemy import select

from tests.conftest import _clean
from tests.hardening.world import demo_world
from workspace.backup import DERIVED, OBJECT_TABLES, PLAIN_REFS, _encode, export_project
from workspace.events import verify_chain
from workspace.extensions import db

SKIPPED = {("user_account", "password_hash")}


def _expected(name, row, maps):
    table, out = db.metadata.tables[name], {}
    for col in table.columns:
        if col.name == "id" or (name, col.name) in DERIVED | SKIPPED or col.name not in row:
            continue
        value = row[col.name]
        fk = next(iter(col.foreign_keys), None)
        if value is not None and fk is not None:
            value = maps[fk.column.table.name][value]
        elif value is not None and (name, col.name) in PLAIN_REFS:
            value = maps[PLAIN_REFS[(name, col.name)]][value]
        elif col.name == "object_id" and row.get("object_type") in OBJECT_TABLES and value:
            value = maps.get(OBJECT_TABLES[row["object_type"]], {}).get(value, value)
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
    zip_path = tmp_path / "files.zip"
    result = runner.invoke(args=["project", "export", str(pid), "--files", str(zip_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["format"], data["version"]) == ("coopilote-project", 1)
    assert data["activity_chain_intact"] is True
    counts = {name: len(rows) for name, rows in data["tables"].items()}
    for name in (
        "board_task",
        "checklists_item",
        "milestones_milestone",
        "funding_line",
        "indicators_measurement",
        "comments_comment",
        "activity",
        "membership",
        "milestones_review",
        "stored_file",
    ):
        assert counts.get(name), (name, counts)
    assert all("password_hash" not in u for u in data["tables"]["user_account"])
    originals = {}
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            originals[int(info.filename.split("/")[1])] = hashlib.sha256(
                archive.read(info)
            ).hexdigest()
    json_path = tmp_path / "project.json"
    json_path.write_text(result.output)

    db.session.remove()
    _clean(app)  # an empty database
    result = runner.invoke(args=["project", "import", str(json_path), "--files", str(zip_path)])
    assert result.exit_code == 0, result.output
    new_pid = int(result.output.split()[-1])
    assert verify_chain(new_pid) is None

    from workspace.backup import import_project  # the maps, to compare row by row

    db.session.remove()
    _clean(app)
    new_pid, maps = import_project(data)
    compared = 0
    for name, rows in data["tables"].items():
        table = db.metadata.tables[name]
        for row in rows:
            expected = _expected(name, row, maps)
            if "id" in table.c:
                new_id = maps[name][row["id"]]
                actual = _actual(name, lambda t, i=new_id: t.c.id == i)
            else:
                conds = expected
                actual = _actual(
                    name, lambda t, c=conds: db.and_(*(t.c[k] == v for k, v in c.items()))
                )
            for key, value in expected.items():
                assert _normalise(actual[key]) == _normalise(value), (name, row, key, actual)
            compared += 1
    assert compared == sum(counts.values())
    # Re-imported without the zip above: restore the files once more to compare bytes.
    db.session.remove()
    _clean(app)
    new_pid, maps = import_project(data, zip_path.read_bytes())
    from workspace.models import StoredFile
    from workspace.uploads import path_of

    assert originals
    for old_id, digest in originals.items():
        stored = db.session.get(StoredFile, maps["stored_file"][old_id])
        assert hashlib.sha256(path_of(stored).read_bytes()).hexdigest() == digest


def test_export_is_coordinator_only_and_versioned(login_as):
    world = demo_world()
    pid = world.project.id
    r = login_as(world.people["coordinator"]).get(f"/projects/{pid}/backup.json")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert r.json["format"] == "coopilote-project" and r.json["project_id"] == pid
    z = login_as(world.people["coordinator"]).get(f"/projects/{pid}/backup-files.zip")
    assert z.status_code == 200 and zipfile.ZipFile(io.BytesIO(z.data)).namelist()
    page = login_as(world.people["coordinator"]).get(f"/projects/{pid}/settings")
    assert f"/projects/{pid}/backup.json" in page.text
    for who in ("director", "adviser", "evaluator", "funder"):
        assert login_as(world.people[who]).get(f"/projects/{pid}/backup.json").status_code == 403
    for who in ("outsider", "admin"):
        assert login_as(world.people[who]).get(f"/projects/{pid}/backup.json").status_code == 404
    assert login_as(None).get(f"/projects/{pid}/backup.json").status_code == 302


def test_import_refuses_another_format(app):
    from workspace.backup import BackupError, import_project

    try:
        import_project({"format": "other", "version": 1, "tables": {}})
    except BackupError:
        pass
    else:  # pragma: no cover
        raise AssertionError("accepted a foreign file")
    assert export_project  # imported for the contract
