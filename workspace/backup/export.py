"""Project backup: export every record of one project to versioned JSON, import it elsewhere.

Format (version 2): one zip holding ``project.json`` — ``{"format": "coopilote-project",
"version": 2, "project_id", "exported_at", "activity_chain_intact", "missing_files": [ids],
"tables": {table: [row, …]}}`` — and ``files/<stored_file id>`` for each uploaded document,
whose SHA-256 and size are those of its ``stored_file`` row (checked on import). Secrets
(:data:`SECRETS`: webhook keys, invitation and calendar link hashes) are never exported; the
import makes new ones. The exporter is generic: it walks
the SQLAlchemy metadata and takes every table owned by the project (a foreign key to
``project.id``, or to a table so owned), plus the organisations and people those rows point
to. A plugin may replace the generic dump of its own tables with the hooks
``export_project(project) → {table: rows}`` and ``import_project(project, data, id_maps)``.

The import is in :mod:`workspace.backup.importer`.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.types import Date, DateTime, LargeBinary, Numeric

from workspace.extensions import db

FORMAT, VERSION = "coopilote-project", 2
READABLE_VERSIONS = (1, 2)  # version 1: the JSON alone, documents in a separate zip
# Per-user or secret records that are not part of a project's content.
EXCLUDED = {
    "password_reset",
    "recovery_code",
    "api_token",
    "api_webhook_delivery",
    "notification",
    "notification_digest",
    "notification_preference",
    "job",  # one person's request for long work (its result, a stored file, is exported)
}
# Integer columns that reference another table without a database foreign key.
PLAIN_REFS = {
    ("board_task", "milestone_id"): "milestones_milestone",
    ("checklists_item", "milestone_id"): "milestones_milestone",
}
# JSON columns holding a list of objects whose ``key`` names a row of another table (a plan
# version's sections): renumbered on import; a row no longer in the file becomes None.
JSON_REFS = {("plan_version", "snapshot"): ("section", "plan_section")}
# object_type values (activity, comments) → table of the object.
OBJECT_TABLES = {
    "project": "project",
    "task": "board_task",
    "column": "board_column",
    "item": "checklists_item",
    "milestone": "milestones_milestone",
    "indicator": "indicators_indicator",
    "measurement": "indicators_measurement",
    "funding": "funding_line",
    "line": "funding_line",
    "comment": "comments_comment",
    "member": "membership",
    "membership": "membership",
    "invitation": "invitation",
    "plan": "plan_section",
    "plan_section": "plan_section",
}
REFERENCE_TABLES = ("organisation", "user_account")
DERIVED = {("activity", "prev_hash"), ("activity", "entry_hash"), ("stored_file", "storage_key")}
# Secrets a backup never carries: the import makes new ones (links sent before do not open
# the restored copy).
SECRETS = {
    ("api_webhook", "secret"),
    ("invitation", "token_hash"),
    ("milestones_calendar_token", "token_hash"),
}
DATA_ENTRY = "project.json"


class BackupError(ValueError):
    """The file is not a Coopilote project backup this version can read."""


def owned_tables() -> list:
    """Tables holding a project's content, parents before children.

    A table that also points to a record above the projects (a funder's call: an application
    to it) is the other side's record, not the project's content: left out, with what hangs
    from it (the project keeps its own trace, e.g. the funding line and its documents).
    """
    owned: list = []
    for table in db.metadata.sorted_tables:
        if table.name in EXCLUDED or table.name in REFERENCE_TABLES or table.name == "project":
            continue
        targets = {fk.column.table.name for fk in table.foreign_keys}
        names = {t.name for t in owned}
        above = targets - names - set(REFERENCE_TABLES) - {"project", table.name}
        if ("project" in targets or targets & names) and not above:
            owned.append(table)
    return owned


def _parent_filter(table, kept: dict):
    """A WHERE clause selecting the rows of ``table`` that belong to the exported project."""
    clauses = []
    for fk in table.foreign_keys:
        target = fk.column.table.name
        if target in kept:
            clauses.append(fk.parent.in_(kept[target]) if kept[target] else fk.parent.in_([-1]))
    return db.or_(*clauses) if clauses else None


def _encode(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decode(column, value):
    if value is None:
        return None
    kind = getattr(column.type, "impl_instance", column.type)
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Numeric) and not isinstance(value, int | float):
        return Decimal(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    return value


def _rows(table, where) -> list[dict]:
    stmt = select(table).where(where)
    if "id" in table.c:
        stmt = stmt.order_by(table.c.id)
    return [
        {k: _encode(v) for k, v in row.items()} for row in db.session.execute(stmt).mappings().all()
    ]


def export_project(project_id: int) -> dict:
    """Every record of the project as a JSON-ready dict (see the module docstring)."""
    from workspace.events import verify_chain
    from workspace.models import Project
    from workspace.plugins import call_hook

    project = db.session.get(Project, project_id)
    if project is None:
        raise BackupError(f"no project {project_id}")
    ptable = db.metadata.tables["project"]
    tables: dict[str, list] = {"project": _rows(ptable, ptable.c.id == project_id)}
    kept: dict[str, list] = {"project": [project_id]}
    for part in call_hook("export_project", project=project):
        tables.update(part)
    for table in owned_tables():
        if table.name in tables:
            continue
        where = _parent_filter(table, kept)
        if "source_project_id" in table.c:
            where = table.c.source_project_id == project_id
        tables[table.name] = _rows(table, where)
        for tname, col in SECRETS:
            if tname == table.name:
                for row in tables[table.name]:
                    row.pop(col, None)
        if "id" in table.c:
            kept[table.name] = [r["id"] for r in tables[table.name]]
    _add_references(tables)
    return {
        "format": FORMAT,
        "version": VERSION,
        "project_id": project_id,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "activity_chain_intact": verify_chain(project_id) is None,
        "missing_files": [],
        "tables": tables,
    }


def _add_references(tables: dict) -> None:
    """The organisations and people the exported rows point to (people: never a password)."""
    wanted: dict[str, set] = {"organisation": set(), "user_account": set()}
    for name, rows in tables.items():
        table = db.metadata.tables[name]
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target in wanted:
                wanted[target].update(r[fk.parent.name] for r in rows if r[fk.parent.name])
    users = db.metadata.tables["user_account"]
    user_rows = _rows(users, users.c.id.in_(wanted["user_account"] or [-1]))
    for row in user_rows:
        row.pop("password_hash", None)
        for key in [k for k in row if k.startswith("totp_")]:  # second factor: never exported
            row.pop(key)
        wanted["organisation"].add(row["organisation_id"])
    orgs = db.metadata.tables["organisation"]
    tables["organisation"] = _rows(orgs, orgs.c.id.in_(wanted["organisation"] or [-1]))
    tables["user_account"] = user_rows


def export_archive(project_id: int) -> bytes:
    """The whole backup: ``project.json`` and every uploaded document, as one zip. A document
    whose file is gone from the disk is listed in ``missing_files`` (its row is kept)."""
    buffer = io.BytesIO()
    write_archive(project_id, buffer)
    return buffer.getvalue()


def write_archive(project_id: int, target, progress=None) -> None:
    """:func:`export_archive` written into the binary file ``target``; ``progress(percent)``
    is told how far it is (the background job's progress bar)."""
    import json

    from workspace.web.uploads import upload_root

    tell = progress or (lambda _pct: None)
    data = export_project(project_id)
    tell(20)
    rows = data["tables"].get("stored_file", [])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, row in enumerate(rows, 1):
            path = upload_root() / row["storage_key"]
            if path.is_file():
                archive.write(path, f"files/{row['id']}")
            else:
                data["missing_files"].append(row["id"])
            tell(20 + 70 * done // len(rows))
        archive.writestr(DATA_ENTRY, json.dumps(data, ensure_ascii=False, indent=1))
