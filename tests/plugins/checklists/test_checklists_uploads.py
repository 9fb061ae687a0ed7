"""Evidence documents: accepted by content, refused cleanly, never orphaned, guarded download."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from plugins.checklists import operations
from tests.plugins.checklists.conftest import HX, PDF, PNG, files_on_disk, reload
from workspace.extensions import db
from workspace.models import StoredFile, count
from workspace.web.uploads import MAX_BYTES


def post_file(client, project, item, content: bytes, name: str, **fields):
    data = {
        "label": item.label,
        "status": item.status,
        "version": item.version,
        "evidence_file": (io.BytesIO(content), name),
    } | fields
    return client.post(
        f"/projects/{project.id}/checklists/items/{item.id}",
        data=data,
        headers=HX,
        content_type="multipart/form-data",
    )


def stored_count(project):
    return count(db.select(StoredFile).filter_by(project_id=project.id))


@pytest.mark.parametrize(("content", "name"), [(PDF, "lettre.pdf"), (PNG, "photo.png")])
def test_accepted_document_is_stored_and_linked(content, name, cl, login_as):
    project, people, items = cl
    on_disk = files_on_disk()
    r = post_file(login_as(people["director"]), project, items[0], content, name)
    assert r.status_code == 200, r.text
    item = reload(items[0])
    assert item.evidence_file is not None
    assert item.evidence_file.original_name == name
    assert files_on_disk() == on_disk + 1
    assert (
        f"/projects/{project.id}/files/{item.evidence_file_id}"
        in login_as(people["funder"])
        .get(f"/projects/{project.id}/checklists/items/{item.id}", headers=HX)
        .text
    )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 an executable", "lettre.pdf", "Type de fichier non accepté"),
        (b"<html><script>alert(1)</script></html>", "preuve.pdf", "Type de fichier non accepté"),
        (b"%PDF-" + b"0" * MAX_BYTES, "gros.pdf", "Le fichier dépasse 10 Mo."),
        (b"", "vide.pdf", "Le fichier est vide."),
    ],
)
def test_refused_document_stores_nothing(content, name, message, cl, login_as):
    project, people, items = cl
    on_disk = files_on_disk()
    r = post_file(login_as(people["director"]), project, items[0], content, name, note="Note")
    assert r.status_code == 400
    assert message in r.text
    item = reload(items[0])
    assert item.evidence_file_id is None and item.note == "" and item.version == 1
    assert stored_count(project) == 0 and files_on_disk() == on_disk


def test_path_traversal_name_is_made_safe(cl, login_as, app):
    project, people, items = cl
    on_disk = files_on_disk()
    r = post_file(
        login_as(people["director"]), project, items[0], PDF, "../../../etc/passwd\\..\\x.pdf"
    )
    assert r.status_code == 200
    stored = reload(items[0]).evidence_file
    assert "/" not in stored.original_name and "\\" not in stored.original_name
    assert not stored.original_name.startswith(".") and stored.original_name.endswith(".pdf")
    root = Path(app.config["UPLOAD_DIR"]).resolve()
    path = (root / stored.storage_key).resolve()
    assert path.parent == root / str(project.id) and path.read_bytes() == PDF
    assert "passwd" not in stored.storage_key
    assert files_on_disk() == on_disk + 1


def test_stale_version_with_a_file_leaves_no_orphan(cl, login_as):
    project, people, items = cl
    operations.set_status(items[0], people["coordinator"], "en_cours")
    db.session.commit()
    on_disk = files_on_disk()
    r = post_file(login_as(people["director"]), project, items[0], PDF, "a.pdf", version="1")
    assert r.status_code == 409
    assert stored_count(project) == 0 and files_on_disk() == on_disk


def test_rolled_back_upload_leaves_no_orphan(cl, login_as, monkeypatch):
    """The file is written, then the operation fails: the rollback deletes it."""
    project, people, items = cl

    def boom(*args, **kwargs):
        raise operations.ChecklistError("simulated failure after the upload")

    monkeypatch.setattr(operations, "update_item", boom)
    client = login_as(people["director"])
    on_disk = files_on_disk()
    r = post_file(client, project, items[0], PDF, "a.pdf")
    assert r.status_code == 400
    db.session.rollback()
    assert stored_count(project) == 0 and files_on_disk() == on_disk


def test_invalid_form_with_a_file_stores_nothing(cl, login_as):
    project, people, items = cl
    on_disk = files_on_disk()
    r = post_file(login_as(people["director"]), project, items[0], PDF, "a.pdf", label="")
    assert r.status_code == 400
    assert stored_count(project) == 0 and files_on_disk() == on_disk


def test_remove_the_document(cl, login_as):
    project, people, items = cl
    client = login_as(people["director"])
    post_file(client, project, items[0], PDF, "a.pdf")
    item = reload(items[0])
    r = client.post(
        f"/projects/{project.id}/checklists/items/{item.id}",
        data={
            "label": item.label,
            "status": item.status,
            "version": item.version,
            "remove_file": "y",
        },
        headers=HX,
    )
    assert r.status_code == 200
    assert reload(item).evidence_file_id is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("funder", 200),
        ("evaluator", 200),
        ("adviser", 200),
        ("director", 200),
        ("outsider", 404),
        ("admin", 404),
        ("anonymous", 302),
    ],
)
def test_download_authorisation(who, status, cl, login_as):
    project, people, items = cl
    post_file(login_as(people["director"]), project, items[0], PDF, "lettre.pdf")
    file_id = reload(items[0]).evidence_file_id
    client = login_as(None if who == "anonymous" else people[who])
    r = client.get(f"/projects/{project.id}/files/{file_id}")
    assert r.status_code == status
    if status == 200:
        assert r.data == PDF
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in r.headers["Content-Disposition"]
