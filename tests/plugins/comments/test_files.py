"""Files on comments: sent with the message (multipart, the upload service's checks), shown to
every reader and in the live notice, stored once per idempotency key, nothing kept from a
refused post, deleted with the message; listed read-only by the API."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import event

from plugins.comments.models import Comment, CommentFile
from tests.api.conftest import Api, make_token
from workspace.extensions import db
from workspace.models import StoredFile

from .helpers import thread_url

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% devis\n"


def _post(client, project, body="Voici le devis", files=(), key="files-key-0001", json=True):
    data = {"body": body, "key": key, "files": [(io.BytesIO(d), n) for d, n in files]}
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        thread_url(project), data=data, content_type="multipart/form-data", headers=headers
    )


@pytest.fixture(autouse=True)
def _own_upload_dir(app, tmp_path, monkeypatch):
    """An empty upload folder per test, so that what is on disk is this test's doing."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


def _stored_on_disk() -> list[Path]:
    root = Path(current_app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_message_carries_its_files_to_every_reader(roles_project, login_as, emitted):
    project, people = roles_project
    r = _post(login_as(people["director"]), project, files=[(PNG, "plan.png"), (PDF, "devis.pdf")])
    assert r.status_code == 201, r.text
    comment = db.session.get(Comment, r.json["id"])
    assert [f.name for f in comment.files] == ["plan.png", "devis.pdf"]
    links = [f"/projects/{project.id}/files/{f.file_id}" for f in comment.files]
    assert all(link in r.json["html"] for link in links)
    # the live notice carries the same HTML: the others see the files without reloading
    notice = next(n for n in emitted if n["type"] == "comment:created")
    assert all(link in notice["html"] for link in links) and "devis.pdf" in notice["html_en"]
    # the funder reads the thread and downloads the document
    funder = login_as(people["funder"])
    page = funder.get(thread_url(project)).text
    assert "devis.pdf" in page and links[1] in page
    got = funder.get(links[1])
    assert got.status_code == 200 and got.data == PDF


def test_the_form_offers_files_to_those_who_may_post(roles_project, login_as):
    project, people = roles_project
    page = login_as(people["director"]).get(thread_url(project)).text
    assert 'enctype="multipart/form-data"' in page and 'name="files" multiple' in page
    assert "Joindre des fichiers" in page


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([(b"#!/bin/sh\necho", "script.sh")], "script.sh : Type de fichier non accepté"),
        ([(PNG, "a.png"), (b"", "vide.pdf")], "vide.pdf : Le fichier est vide."),
        ([(PNG, f"{i}.png") for i in range(6)], "5 pièces jointes au plus par message."),
    ],
)
def test_a_refused_file_keeps_nothing_and_says_why(roles_project, login_as, files, message):
    project, people = roles_project
    r = _post(login_as(people["director"]), project, files=files)
    assert r.status_code == 400
    assert r.json["error"]["fields"] == {"files": [r.json["error"]["message"]]}
    assert message in r.json["error"]["message"]
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0
    assert _stored_on_disk() == []  # the valid file written before the refusal is gone too


def test_without_javascript_the_error_is_next_to_the_files_and_the_text_is_kept(
    roles_project, login_as
):
    project, people = roles_project
    r = _post(
        login_as(people["director"]),
        project,
        body="Mon texte à garder",
        files=[(b"MZ\x90\x00", "outil.exe")],
        json=False,
    )
    assert r.status_code == 400
    assert "Mon texte à garder" in r.text
    assert f'id="comment-body-project-{project.id}-files-error"' in r.text
    assert "outil.exe : Type de fichier non accepté" in r.text


def test_a_retried_post_stores_its_files_once(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    first = _post(client, project, files=[(PDF, "devis.pdf")], key="same-key-0001")
    again = _post(client, project, files=[(PDF, "devis.pdf")], key="same-key-0001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 1
    assert len(_stored_on_disk()) == 1


def test_deleting_the_message_deletes_its_files(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    r = _post(client, project, files=[(PDF, "devis.pdf")])
    file_id = db.session.scalar(db.select(CommentFile.file_id))
    assert len(_stored_on_disk()) == 1
    gone = client.post(f"/projects/{project.id}/comments/{r.json['id']}/delete")
    assert gone.status_code == 200 and "devis.pdf" not in gone.text
    assert db.session.scalar(db.select(db.func.count(CommentFile.id))) == 0
    assert db.session.get(StoredFile, file_id) is None
    assert _stored_on_disk() == []
    assert client.get(f"/projects/{project.id}/files/{file_id}").status_code == 404


def test_a_thread_reads_its_files_in_one_query(roles_project, login_as):
    """Attachments are loaded for the whole thread at once (no query per comment)."""
    project, people = roles_project
    client = login_as(people["director"])

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(thread_url(project)).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    _post(client, project, files=[(PNG, "a.png")], key="thread-key-0000")
    few = statements()
    for i in range(1, 6):
        _post(client, project, files=[(PNG, f"{i}.png")], key=f"thread-key-{i:04d}")
    assert statements() == few


def test_the_api_lists_a_comment_s_files(app, roles_project, login_as):
    project, people = roles_project
    r = _post(login_as(people["director"]), project, files=[(PDF, "devis.pdf")])
    api = Api(app.test_client(), make_token(people["funder"], "read"))
    got = api.get(f"/api/v1/projects/{project.id}/comments/comments/{r.json['id']}")
    assert got.status_code == 200, got.text
    (listed,) = got.json["files"]
    stored = db.session.scalar(db.select(StoredFile))
    assert listed == {
        "id": stored.id,
        "name": "devis.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "url": f"http://localhost/api/v1/projects/{project.id}/files/{stored.id}",
    }
    # the same token downloads it; another project's id is a JSON 404
    got = api.get(listed["url"])
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    other = api.get(f"/api/v1/projects/{project.id}/files/{stored.id + 1}")
    assert other.status_code == 404 and other.json["error"]["code"] == 404
