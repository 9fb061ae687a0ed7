"""Backups built and restored by the job worker: a project with its documents is zipped (or
a zip checked and imported) in seconds to minutes, never in the web worker (issue 20)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workspace.extensions import db
from workspace.jobs import JobError, handler
from workspace.jobs.files import new_file
from workspace.models import Project, utcnow
from workspace.permissions import can

from .export import write_archive


@handler("backup.export", timeout=1800)
def build_backup(job, progress) -> dict:
    """Zip the project of ``job.project_id`` (data and documents) as the job's file."""
    project = db.session.get(Project, job.project_id) if job.project_id else None
    if project is None or not can(current_user, project, "project.edit"):
        raise JobError(_("Vous ne pouvez plus sauvegarder ce projet."))
    name = f"coopilote-projet-{project.id}-{utcnow():%Y-%m-%d}.zip"
    with new_file(job.id, name) as target:
        write_archive(project.id, target, progress)
    return {
        "file": {"name": name, "type": "application/zip"},
        "message": _("La sauvegarde du projet est prête."),
        "back": url_for("projects.settings", project_id=project.id) + "#backup",
    }


build_backup.describe = lambda job: _l("la sauvegarde du projet")
