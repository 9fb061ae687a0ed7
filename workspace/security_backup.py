"""Project backup from the command line and from the settings page (coordinators only).

``flask --app workspace project export ID [--files file.zip] > file.json`` and
``flask --app workspace project import file.json [--files file.zip]``; the format is described
in :mod:`workspace.backup`.
"""

from __future__ import annotations

import json
import sys

import click
from flask import Blueprint, Response, g
from flask.cli import AppGroup
from flask_login import login_required

from .backup import BackupError, export_files, export_project, import_project
from .extensions import db
from .permissions import requires

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


@bp.route("/projects/<int:project_id>/backup-files.zip")
@login_required
@requires("project.edit")
def export_zip(project_id: int):
    body = export_files(export_project(g.project.id))
    return _download(body, f"coopilote-projet-{project_id}-fichiers.zip", "application/zip")


@project_cli.command("export")
@click.argument("project_id", type=int)
@click.option("--files", "files_path", type=click.Path(dir_okay=False, writable=True))
def export_command(project_id, files_path):
    """Write project PROJECT_ID as JSON on stdout (and its files as a zip with --files)."""
    try:
        data = export_project(project_id)
    except BackupError as exc:
        raise click.BadParameter(str(exc), param_hint="PROJECT_ID") from exc
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    if files_path:
        with open(files_path, "wb") as fh:
            fh.write(export_files(data))


@project_cli.command("import")
@click.argument("json_file", type=click.File("rb"))
@click.option("--files", "files_file", type=click.File("rb"))
def import_command(json_file, files_file):
    """Restore a project exported with `project export` (ids are renumbered)."""
    try:
        data = json.load(json_file)
        new_id, _maps = import_project(data, files_file.read() if files_file else None)
    except (BackupError, ValueError, KeyError) as exc:
        db.session.rollback()
        raise click.ClickException(f"import failed: {exc}") from exc
    click.echo(f"imported as project {new_id}")
