"""Project backup: export every record of one project to versioned JSON, import it elsewhere.

Format ``{"format": "coopilote-project", "version": 1, "project_id", "exported_at",
"tables": {table: [row, …]}, "files": [storage keys]}``; uploaded files go in a zip next to it
(one entry per ``stored_file`` id). The exporter is generic: it walks the SQLAlchemy metadata
and takes every table owned by the project (a foreign key to ``project.id``, or to a table so
owned), plus the organisations and people those rows point to. A plugin may replace the generic
dump of its own tables with the hooks ``export_project(project) → {table: rows}`` and
``import_project(project, data, id_maps)``.

Import remaps every id: foreign keys through the metadata, plain-integer references through
:data:`PLAIN_REFS`, polymorphic ``object_type``/``object_id`` pairs through
:data:`OBJECT_TABLES`. People are matched by e-mail and organisations by name; a person new to
the database gets an unusable password (they reset it). The activity chain is re-hashed after
the ids change (the export records whether the original chain was intact).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import secrets
import zipfile
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.types import Date, DateTime, LargeBinary, Numeric

from .extensions import db

FORMAT, VERSION = "coopilote-project", 1
# Per-user or secret records that are not part of a project's content.
EXCLUDED = {
    "password_reset",
    "recovery_code",
    "api_token",
    "api_webhook_delivery",
    "notification",
    "notification_digest",
    "notification_preference",
}
# Integer columns that reference another table without a database foreign key.
PLAIN_REFS = {
    ("board_task", "milestone_id"): "milestones_milestone",
    ("checklists_item", "milestone_id"): "milestones_milestone",
}
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
}
REFERENCE_TABLES = ("organisation", "user_account")
DERIVED = {("activity", "prev_hash"), ("activity", "entry_hash"), ("stored_file", "storage_key")}


class BackupError(ValueError):
    """The file is not a Coopilote project backup this version can read."""


def owned_tables() -> list:
    """Tables holding a project's content, parents before children."""
    owned: list = []
    for table in db.metadata.sorted_tables:
        if table.name in EXCLUDED or table.name in REFERENCE_TABLES or table.name == "project":
            continue
        targets = {fk.column.table.name for fk in table.foreign_keys}
        if "project" in targets or targets & {t.name for t in owned}:
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
    from .events import verify_chain
    from .models import Project
    from .plugins import call_hook

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
        if "id" in table.c:
            kept[table.name] = [r["id"] for r in tables[table.name]]
    _add_references(tables)
    return {
        "format": FORMAT,
        "version": VERSION,
        "project_id": project_id,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "activity_chain_intact": verify_chain(project_id) is None,
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


def export_files(data: dict) -> bytes:
    """A zip of the project's uploaded files, one entry per stored_file id."""
    from .uploads import upload_root

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in data["tables"].get("stored_file", []):
            path = upload_root() / row["storage_key"]
            if path.is_file():
                archive.write(path, f"files/{row['id']}")
    return buffer.getvalue()


def import_project(data: dict, files: bytes | None = None) -> tuple[int, dict]:
    """Restore an export; returns (new project id, id_maps {table: {old id: new id}})."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise BackupError("not a coopilote-project backup of version 1")
    from .models import Project
    from .plugins import call_hook
    from .revisions import touch

    tables, maps = data["tables"], {}
    maps["organisation"] = _match(tables.get("organisation", []), "organisation", "name")
    maps["user_account"] = _match(
        tables.get("user_account", []), "user_account", "email", maps["organisation"]
    )
    order = ["project", *(t.name for t in owned_tables())]
    for name in order:
        for row in tables.get(name, []):
            _insert(name, row, maps)
    db.session.flush()
    new_id = maps["project"][data["project_id"]]
    _rechain(new_id)
    if files:
        _restore_files(files, tables.get("stored_file", []), maps)
    call_hook("import_project", project=db.session.get(Project, new_id), data=data, id_maps=maps)
    touch(new_id)  # the rows went in by Core INSERTs, which the ORM does not see
    db.session.commit()
    return new_id, maps


def _match(rows: list, name: str, key: str, orgs: dict | None = None) -> dict:
    """Reuse the organisation (by name) or person (by e-mail) already there, else create."""
    from .security import hash_password

    table, out = db.metadata.tables[name], {}
    for row in rows:
        found = db.session.scalar(select(table.c.id).where(table.c[key] == row[key]))
        if found is None:
            values = {k: v for k, v in row.items() if not k.startswith("totp_")}
            if name == "user_account":
                values["organisation_id"] = (orgs or {}).get(row["organisation_id"])
                values["password_hash"] = hash_password(secrets.token_urlsafe(32))
            found = _insert_values(table, values)
        out[row["id"]] = found
    return out


def _insert_values(table, values: dict):
    clean = {c.name: _decode(c, values[c.name]) for c in table.columns if c.name in values}
    clean.pop("id", None)
    result = db.session.execute(table.insert().values(**clean))
    return result.inserted_primary_key[0] if "id" in table.c else None


def _insert(name: str, row: dict, maps: dict) -> None:
    table, values = db.metadata.tables[name], dict(row)
    for fk in table.foreign_keys:
        col, target = fk.parent.name, fk.column.table.name
        if values.get(col) is not None:
            values[col] = maps.get(target, {}).get(values[col], values[col])
    for (tname, col), target in PLAIN_REFS.items():
        if tname == name and values.get(col) is not None:
            values[col] = maps.get(target, {}).get(values[col])
    if values.get("object_type") in OBJECT_TABLES and values.get("object_id") is not None:
        target = OBJECT_TABLES[values["object_type"]]
        values["object_id"] = maps.get(target, {}).get(values["object_id"], values["object_id"])
    if name == "stored_file":
        values["storage_key"] = f"{values['project_id']}/{secrets.token_hex(16)}"
    new = _insert_values(table, values)
    if "id" in row:
        maps.setdefault(name, {})[row["id"]] = new


def _rechain(project_id: int) -> None:
    """Ids changed, so do the hashes: chain the imported log again, in its original order."""
    from .events import _hash, entry_fields
    from .models import Activity

    prev = ""
    for entry in db.session.scalars(
        select(Activity).filter_by(project_id=project_id).order_by(Activity.id)
    ):
        entry.prev_hash, entry.entry_hash = prev, _hash(prev, entry_fields(entry))
        prev = entry.entry_hash
    db.session.flush()


def _restore_files(files: bytes, rows: list, maps: dict) -> None:
    from .models import StoredFile
    from .uploads import upload_root

    with zipfile.ZipFile(io.BytesIO(files)) as archive:
        names = set(archive.namelist())
        for row in rows:
            entry = f"files/{row['id']}"
            if entry not in names:
                continue
            stored = db.session.get(StoredFile, maps["stored_file"][row["id"]])
            path = upload_root() / stored.storage_key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.read(entry))
