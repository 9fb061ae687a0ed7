"""The one upload service: size and type checks by content, safe storage, guarded download.

Files are stored under ``UPLOAD_DIR/<project id>/<random key>``, outside ``static/``, and are
served only by :func:`send_stored` after a permission check, as attachments with ``nosniff``.
A file written during a transaction that rolls back is deleted (no orphan on disk); a file
discarded with :func:`discard_stored` leaves the disk only once its deletion commits.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
import zipfile
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import gettext as _
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from workspace.extensions import db
from workspace.models import StoredFile

MAX_BYTES = 10 * 1024 * 1024

ZIP_KINDS = {
    "odt": ("application/vnd.oasis.opendocument.text", "mimetype"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "mimetype"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/document.xml",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/workbook.xml",
    ),
}


class UploadError(ValueError):
    """A refused upload; the message is French and meant for the form field."""


def sniff(data: bytes) -> tuple[str, str] | None:
    """(extension, content type) decided by the bytes, not the name; None if not allowed."""
    if data.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg", "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                for ext, (ctype, marker) in ZIP_KINDS.items():
                    if marker not in names:
                        continue
                    if marker == "mimetype" and z.read("mimetype").decode(errors="ignore") != ctype:
                        continue
                    return ext, ctype
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
    return None


def safe_name(name: str, ext: str) -> str:
    """A display name without path parts or control characters, ending with the real type."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{(stem or 'document')[:200]}.{ext}"


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def store_upload(project, file_storage, user) -> StoredFile:
    """Check and store one uploaded file; raises :class:`UploadError` with a French message."""
    if file_storage is None or not file_storage.filename:
        raise UploadError(_("Choisissez un fichier."))
    data = file_storage.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UploadError(_("Le fichier dépasse 10 Mo."))
    if not data:
        raise UploadError(_("Le fichier est vide."))
    kind = sniff(data)
    if kind is None:
        raise UploadError(
            _("Type de fichier non accepté : PDF, ODT, DOCX, XLSX, ODS, PNG ou JPEG uniquement.")
        )
    ext, ctype = kind
    key = f"{project.id}/{secrets.token_hex(16)}"
    path = upload_root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    db.session.info.setdefault("written_files", []).append(path)
    stored = StoredFile(
        project_id=project.id,
        original_name=safe_name(file_storage.filename, ext),
        content_type=ctype,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        uploaded_by_id=user.id,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def discard_stored(stored: StoredFile) -> None:
    """Delete a document for good: its row now, its content when the transaction commits
    (a rollback keeps both)."""
    db.session.info.setdefault("discarded_files", []).append(path_of(stored))
    db.session.delete(stored)


def path_of(stored: StoredFile) -> Path:
    return upload_root() / stored.storage_key


def send_stored(stored: StoredFile):
    """The file as an attachment (never rendered inline by the browser); 404 when its content
    is gone from the disk (a lost upload folder, a backup restored without a document)."""
    path = path_of(stored)
    if not path.is_file():
        abort(404)
    return send_attachment(path, stored.content_type, stored.original_name)


def send_attachment(path: Path, mimetype: str, name: str):
    """A file on disk as a download that the browser never renders nor sniffs."""
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@sa_event.listens_for(Session, "after_commit")
def _settle_after_commit(session: Session) -> None:
    session.info.pop("written_files", None)
    for path in session.info.pop("discarded_files", []):
        path.unlink(missing_ok=True)


@sa_event.listens_for(Session, "after_soft_rollback")
def _delete_written(session: Session, previous_transaction) -> None:
    session.info.pop("discarded_files", None)
    for path in session.info.pop("written_files", []):
        path.unlink(missing_ok=True)
