"""Restoring a project backup from the site administration: the administrator sends the
file, the job worker checks and imports it (seconds to minutes for a project with its
documents), the page follows it. The same guarantees as ``flask project import``: nothing is
imported when anything in the file is refused (:mod:`workspace.backup.importer`)."""

from __future__ import annotations

import zipfile

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workspace.admin.views import admin_required
from workspace.extensions import db
from workspace.jobs import Job, JobError, enqueue, handler
from workspace.jobs.files import job_dir, new_file
from workspace.models import Project

from .export import BackupError
from .importer import import_project, read_archive, read_json

bp = Blueprint("restore", __name__)
UPLOAD_NAME = "backup.upload"
RECENT = 10


@bp.route("/admin/restore", methods=["GET", "POST"])
@admin_required
def restore():
    """The form (GET), or the file taken and its import queued (POST, 303 to the job)."""
    if request.method == "GET":
        return _page()
    sent = request.files.get("backup")
    if sent is None or not sent.filename:
        return _page(_("Choisissez le fichier de sauvegarde (ZIP ou JSON)."), 400)
    head = sent.stream.read(4)
    sent.stream.seek(0)
    if not (head.startswith(b"PK\x03\x04") or head.lstrip()[:1] == b"{"):
        return _page(_("Ce fichier n'est pas une sauvegarde de Coopilote (ZIP ou JSON)."), 400)
    job = enqueue("backup.import", current_user, name=sent.filename[:200])
    with new_file(job.id, UPLOAD_NAME) as target:  # written before the row is committed:
        sent.save(target)  # the worker never sees a job without its file
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=job.id), 303)


def _page(error: str | None = None, status: int = 200):
    recent = db.session.scalars(
        db.select(Job)
        .filter_by(kind="backup.import", user_id=current_user.id)
        .order_by(Job.id.desc())
        .limit(RECENT)
    ).all()
    return render_template("admin/restore.html", error=error, recent=recent), status


@handler("backup.import", timeout=1800)
def import_backup(job, progress) -> dict:
    """Check and import the file sent with the job; the file is dropped once it is imported
    or refused (a passing failure keeps it for the next attempt)."""
    if not current_user.is_admin:
        raise JobError(_("Seul un administrateur du site peut restaurer un projet."))
    path = job_dir(job.id) / UPLOAD_NAME
    if not path.is_file():
        raise JobError(_("Le fichier envoyé n'est plus là : envoyez-le de nouveau."))
    blob = path.read_bytes()
    progress(10)
    try:
        if zipfile.is_zipfile(path):
            data, files = read_archive(blob)
        else:
            data, files = read_json(blob), {}
        progress(30)
        new_id, _maps = import_project(data, files)
    except BackupError as exc:
        path.unlink(missing_ok=True)
        raise JobError(
            _("Sauvegarde refusée, rien n'a été importé : %(reason)s", reason=str(exc))
        ) from None
    path.unlink(missing_ok=True)
    project = db.session.get(Project, new_id)
    result = {
        "project": {"id": project.id, "name": project.name},
        "message": _(
            "Projet « %(name)s » restauré (%(count)s documents) : ses membres le retrouvent "
            "dans leur liste de projets.",
            name=project.name,
            count=len(files),
        ),
        "back": url_for("restore.restore"),
    }
    return result


import_backup.describe = lambda job: _l(
    "la restauration de « %(name)s »", name=job.params.get("name", "")
)
