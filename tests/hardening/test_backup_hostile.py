"""Hostile and damaged backups are refused whole: nothing is written to the database or the
upload folder, and the error says what is wrong. People already there are never modified and
an imported person is never a site administrator."""

from __future__ import annotations

import copy
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from tests.hardening.world import demo_world
from workspace.backup.export import BackupError, export_archive
from workspace.backup.importer import import_project, read_archive
from workspace.extensions import db
from workspace.models import User
from workspace.web.uploads import upload_root


@pytest.fixture
def backup():
    """(world, data, files) of the demo project's backup."""
    world = demo_world()
    data, files = read_archive(export_archive(world.project.id))
    return world, data, files


def _snapshot() -> dict:
    db.session.expire_all()
    counts = {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }
    counts["files on disk"] = sum(1 for p in upload_root().rglob("*") if p.is_file())
    return counts


def _refused(data, files, match: str) -> None:
    before = _snapshot()
    with pytest.raises(BackupError, match=match):
        import_project(data, files)
    assert _snapshot() == before


def _first(data, table):
    return data["tables"][table][0]


def test_a_membership_in_another_project_is_refused(backup):
    world, data, files = backup
    row = copy.deepcopy(_first(data, "membership"))
    row.update(id=99999, project_id=world.other.id, role="coordinator")
    data["tables"]["membership"].append(row)
    _refused(data, files, "membership 99999: project_id")


def test_a_task_written_into_another_project_is_refused(backup):
    world, data, files = backup
    _first(data, "board_task")["project_id"] = world.other.id
    _refused(data, files, "board_task .*project_id")


def test_a_reference_to_a_row_not_in_the_file_is_refused(backup):
    _world, data, files = backup
    _first(data, "board_task")["column_id"] = 987654
    _refused(data, files, "column_id=987654 names a row that is not in the file")


def test_a_comment_on_another_projects_object_is_refused(backup):
    _world, data, files = backup
    comment = next(c for c in data["tables"]["comments_comment"] if c["object_type"] == "task")
    comment["object_id"] = 987654
    _refused(data, files, "object_id=987654")


def test_the_crafted_file_of_the_report_is_refused_whole(backup):
    world, data, files = backup
    outsider = {
        "id": 777,
        "email": "intrus@example.org",
        "name": "Intrus",
        "is_admin": True,
        "active": True,
        "locale": "fr",
        "organisation_id": _first(data, "organisation")["id"],
    }
    data["tables"]["user_account"].append(outsider)
    member = copy.deepcopy(_first(data, "membership"))
    member.update(id=99999, user_id=777, project_id=world.other.id, role="coordinator")
    data["tables"]["membership"].append(member)
    task = copy.deepcopy(_first(data, "board_task"))
    task.update(id=99999, project_id=world.other.id)
    data["tables"]["board_task"].append(task)
    _refused(data, files, "not in the file")
    assert db.session.scalar(select(User).filter_by(email="intrus@example.org")) is None


def test_an_imported_person_is_never_an_administrator(backup):
    _world, data, files = backup
    data["tables"]["user_account"].append(
        {
            "id": 777,
            "email": "nouvelle@example.org",
            "name": "Nouvelle",
            "is_admin": True,
            "organisation_id": _first(data, "organisation")["id"],
            "password_hash": "known",
            "totp_secret": "JBSWY3DPEHPK3PXP",
            "session_epoch": 5,
        }
    )
    import_project(data, files)
    user = db.session.scalar(select(User).filter_by(email="nouvelle@example.org"))
    assert user.is_admin is False and user.totp_secret is None
    assert user.password_hash != "known" and user.session_epoch == 0


def test_people_already_there_are_matched_never_modified(backup):
    world, data, files = backup
    claire = world.people["coordinator"]
    before = (claire.name, claire.is_admin, claire.password_hash, claire.organisation_id)
    row = next(u for u in data["tables"]["user_account"] if u["email"] == claire.email)
    row.update(name="Usurpée", is_admin=True)
    new_id, maps = import_project(data, files)
    db.session.expire_all()
    claire = db.session.get(User, claire.id)
    assert (claire.name, claire.is_admin, claire.password_hash, claire.organisation_id) == before
    assert maps["user_account"][row["id"]] == claire.id and new_id != world.project.id


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d["tables"].__setitem__("api_token", []), "'api_token' is not part"),
        (lambda d: d["tables"].__setitem__("notification", []), "'notification' is not part"),
        (lambda d: d.__setitem__("version", 99), "version 99"),
        (lambda d: d.__setitem__("format", "autre"), "not a coopilote-project"),
        (lambda d: d.__setitem__("tables", []), "no tables"),
        (lambda d: d["tables"]["project"].append(dict(d["tables"]["project"][0], id=5)), "exactly"),
        (lambda d: d.__setitem__("project_id", 12345), "exactly its own project"),
        (lambda d: d["tables"]["board_task"].append(d["tables"]["board_task"][0]), "twice"),
        (lambda d: d["tables"].__setitem__("board_task", {"a": 1}), "list of rows"),
        (lambda d: d["tables"]["board_task"][0].__setitem__("due_date", "demain"), "could not"),
        (lambda d: d["tables"]["board_task"][0].__setitem__("title", None), "could not"),
    ],
)
def test_malformed_data_is_refused(backup, change, match):
    _world, data, files = backup
    change(data)
    _refused(data, files, match)


def test_a_document_with_a_wrong_hash_or_missing_is_refused(backup):
    _world, data, files = backup
    some = next(iter(files))
    tampered = dict(files, **{})
    tampered[some] = files[some] + b"x"
    _refused(data, tampered, f"document {some}: its content does not match")
    without = {k: v for k, v in files.items() if k != some}
    _refused(data, without, f"document {some} is missing")


def test_a_refused_import_leaves_no_file_behind(backup, monkeypatch):
    """Rows and documents are written, then the last step fails: everything is undone."""
    import workspace.cache.revisions

    _world, data, files = backup
    written = []

    def fail(project_id, *parts):
        written.extend(db.session.info.get("written_files", []))
        raise ValueError("the last step failed")

    monkeypatch.setattr(workspace.cache.revisions, "touch", fail)
    _refused(data, files, "the last step failed")
    assert len(written) == len(files) and not any(p.exists() for p in written)


def test_the_cli_refuses_files_that_are_not_backups(app, tmp_path, backup):
    runner = app.test_cli_runner()
    cases = {
        "broken.json": b'{"format": "coopilote-project", "tables": {',
        "empty.zip": _zip({}),
        "bad.zip": _zip({"project.json": b"{not json"}),
        "garbage.bin": b"\x00\x01PK\x03\x04",
    }
    for name, body in cases.items():
        path = tmp_path / name
        path.write_bytes(body)
        before = _snapshot()
        result = runner.invoke(args=["project", "import", str(path)])
        assert result.exit_code != 0 and "nothing was imported" in result.output, name
        assert "Traceback" not in result.output
        assert _snapshot() == before, name


def test_a_version_1_json_with_its_documents_zip_still_imports(app, tmp_path, backup):
    _world, data, files = backup
    data["version"] = 1
    (tmp_path / "p.json").write_text(json.dumps(data))
    (tmp_path / "f.zip").write_bytes(_zip({f"files/{k}": v for k, v in files.items()}))
    result = app.test_cli_runner().invoke(
        args=["project", "import", str(tmp_path / "p.json"), "--files", str(tmp_path / "f.zip")]
    )
    assert result.exit_code == 0, result.output


def _zip(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return buffer.getvalue()
