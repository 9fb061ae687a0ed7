"""Project backup from the command line and from the settings page (coordinators only).

``flask --app workspace project export ID > projet.zip`` (``--json`` for the data alone) and
``flask --app workspace project import projet.zip``; the format is described in
:mod:`workspace.backup.export`, the import's guarantees in :mod:`workspace.backup.importer`.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile

import click
from flask import Blueprint, Response, g
from flask.cli import AppGroup
from flask_login import current_user, login_required

from workspace.backup import jobs as _jobs  # noqa: F401 - registers the backup jobs
from workspace.backup.export import BackupError, export_archive, export_project
from workspace.backup.importer import import_project, legacy_files, read_archive, read_json
from workspace.extensions import db
from workspace.jobs import enqueue
from workspace.jobs.views import started
from workspace.permissions import requires

bp = Blueprint("backup", __name__)
project_cli = AppGroup("project", help="Export and import whole projects.")


def _download(body: bytes, name: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/projects/<int:project_id>/backup.json")
@login_required
@requires("project.edit")
def export_json(project_id: int):
    data = export_project(g.project.id)
    body = json.dumps(data, ensure_ascii=False, indent=1).encode()
    return _download(body, f"coopilote-projet-{project_id}.json", "application/json")


@bp.route("/projects/<int:project_id>/backup.zip", methods=["POST"])
@login_required
@requires("project.edit")
def export_zip(project_id: int):
    """Start the full backup (data and documents) as a job: zipping every document may take
    minutes. htmx: its progress in place (202); else the job's page."""
    job = enqueue("backup.export", current_user, g.project)
    db.session.commit()
    return started(job)


@project_cli.command("export")
@click.argument("project_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="The data alone, as JSON (no documents).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True))
def export_command(project_id, as_json, output):
    """Write project PROJECT_ID as a backup zip (data and documents) on stdout or to --output."""
    try:
        if as_json:
            body = json.dumps(export_project(project_id), ensure_ascii=False, indent=1) + "\n"
            body = body.encode()
        else:
            body = export_archive(project_id)
    except BackupError as exc:
        raise click.BadParameter(str(exc), param_hint="PROJECT_ID") from exc
    if output:
        with open(output, "wb") as fh:
            fh.write(body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()


@project_cli.command("import")
@click.argument("backup_file", type=click.File("rb"))
@click.option("--files", "files_file", type=click.File("rb"), help="Version 1: documents zip.")
def import_command(backup_file, files_file):
    """Restore a project exported with `project export` (ids are renumbered). Nothing is
    imported when anything in the file is refused."""
    blob = backup_file.read()
    try:
        if zipfile.is_zipfile(io.BytesIO(blob)):
            data, files = read_archive(blob)
        else:
            data = read_json(blob)
            files = legacy_files(files_file.read()) if files_file else {}
        new_id, _maps = import_project(data, files)
    except BackupError as exc:
        raise click.ClickException(f"import failed, nothing was imported: {exc}") from exc
    click.echo(f"imported as project {new_id}")
