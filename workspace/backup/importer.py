"""Project backup import: a file is checked whole before anything is written, and written in
one transaction, so a hostile or damaged backup is refused with a clear error and leaves the
database and the upload folder as they were.

What the import guarantees (format in :mod:`workspace.backup.export`):

- every imported row belongs to the new project: each reference (foreign key, plain-integer
  reference of :data:`~workspace.backup.export.PLAIN_REFS`, ``object_type``/``object_id`` pair of
  :data:`~workspace.backup.export.OBJECT_TABLES`) must name a row of the file, else
  :class:`~workspace.backup.export.BackupError`; only the tables of a project backup are read;
- people are matched by e-mail and organisations by name, and then never modified; a person
  new to the database is never a site administrator and gets an unusable password;
- each document's bytes must match the SHA-256 and size of its ``stored_file`` row;
- ids are renumbered and the activity chain is hashed again in its original order.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from graphlib import TopologicalSorter

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from workspace.auth.credentials import hash_password, new_token
from workspace.backup.export import (
    DATA_ENTRY,
    DERIVED,
    FORMAT,
    JSON_REFS,
    OBJECT_TABLES,
    PLAIN_REFS,
    READABLE_VERSIONS,
    REFERENCE_TABLES,
    SECRETS,
    BackupError,
    _decode,
    owned_tables,
)
from workspace.extensions import db

# Columns of a person created by an import (never is_admin, a password, a second factor).
USER_COLUMNS = ("email", "name", "organisation_id", "locale", "active", "created_at", "updated_at")
# object_type values whose object may be gone (deleted) while their history stays.
HISTORY_TABLES = {"activity"}


def _documents(archive: zipfile.ZipFile) -> dict[int, bytes]:
    """The ``files/<stored_file id>`` entries of a zip, by id."""
    found = {}
    for name in archive.namelist():
        folder, _sep, ident = name.partition("/")
        if folder == "files" and ident.isdigit():
            found[int(ident)] = archive.read(name)
    return found


def read_archive(blob: bytes) -> tuple[dict, dict[int, bytes]]:
    """``project.json`` and the documents ``{stored_file id: bytes}`` of a backup zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            data = json.loads(archive.read(DATA_ENTRY))
            files = _documents(archive)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise BackupError(f"not a Coopilote backup archive ({exc})") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{DATA_ENTRY} is not valid JSON ({exc})") from exc
    return data, files


def read_json(blob: bytes) -> dict:
    """The data of a JSON backup (``project export --json``)."""
    try:
        return json.loads(blob)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"neither a backup zip nor JSON ({exc})") from exc


def legacy_files(blob: bytes) -> dict[int, bytes]:
    """The documents zip of a version 1 backup (``files/<id>`` entries)."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            return _documents(archive)
    except zipfile.BadZipFile as exc:
        raise BackupError(f"the documents file is not a zip ({exc})") from exc


def import_project(data: dict, files: dict[int, bytes] | None = None) -> tuple[int, dict]:
    """Restore a backup; returns (new project id, id_maps {table: {old id: new id}}).
    Raises :class:`BackupError` (and rolls back) when anything in the file is refused."""
    try:
        _check(data, files or {})
        return _import(data, files or {})
    except BackupError:
        db.session.rollback()
        raise
    except (SQLAlchemyError, TypeError, ValueError, KeyError, AttributeError) as exc:
        db.session.rollback()
        raise BackupError(f"a row could not be written ({type(exc).__name__}: {exc})") from exc


def _check(data: dict, files: dict[int, bytes]) -> None:
    """Everything that can be refused before a row is written."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError("not a coopilote-project backup")
    if data.get("version") not in READABLE_VERSIONS:
        raise BackupError(f"backup version {data.get('version')!r} is not readable here")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise BackupError("the backup has no tables")
    allowed = {"project", *REFERENCE_TABLES, *(t.name for t in owned_tables())}
    for name, rows in tables.items():
        if name not in allowed:
            raise BackupError(f"table {name!r} is not part of a project backup")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise BackupError(f"table {name!r}: a list of rows is expected")
        ids = [r.get("id") for r in rows if "id" in r]
        if len(ids) != len(set(map(str, ids))):
            raise BackupError(f"table {name!r}: the same id appears twice")
    projects = tables.get("project", [])
    if len(projects) != 1 or projects[0].get("id") != data.get("project_id"):
        raise BackupError("the backup must hold exactly its own project row")
    _check_files(data, tables.get("stored_file", []), files)


def _check_files(data: dict, rows: list, files: dict[int, bytes]) -> None:
    missing = set(data.get("missing_files") or [])
    for row in rows:
        blob = files.get(row.get("id"))
        if blob is None:
            if data["version"] >= 2 and row.get("id") not in missing:
                raise BackupError(f"document {row.get('id')} is missing from the archive")
            continue
        if hashlib.sha256(blob).hexdigest() != row.get("sha256") or len(blob) != row.get("size"):
            raise BackupError(f"document {row.get('id')}: its content does not match its hash")


def _import(data: dict, files: dict[int, bytes]) -> tuple[int, dict]:
    from workspace.cache.revisions import OTHER, touch
    from workspace.models import Project
    from workspace.plugins import call_hook

    tables, maps = data["tables"], {}
    maps["organisation"] = _match_orgs(tables.get("organisation", []))
    maps["user_account"] = _match_people(tables.get("user_account", []), maps["organisation"])
    owners = _owner_columns()
    for name in ["project", *_insert_order()]:
        for row in tables.get(name, []):
            _insert(name, row, maps, owners.get(name, []))
    db.session.flush()
    new_id = maps["project"][data["project_id"]]
    _rechain(new_id)
    _restore_files(files, tables.get("stored_file", []), maps)
    call_hook("import_project", project=db.session.get(Project, new_id), data=data, id_maps=maps)
    touch(new_id, OTHER)  # the rows went in by Core INSERTs, which the ORM does not see
    db.session.commit()
    return new_id, maps


def _insert_order() -> list[str]:
    """The owned tables, each after the tables it references: by foreign key, and for a table
    with ``object_type``/``object_id`` (comments, activity) after the tables of its objects, so
    that their new ids are known when its rows go in."""
    owned = {t.name: t for t in owned_tables()}
    graph = {}
    for name, table in owned.items():
        deps = {fk.column.table.name for fk in table.foreign_keys} & owned.keys()
        deps |= {target for (tname, _col), target in PLAIN_REFS.items() if tname == name}
        deps |= {target for (tname, _col), (_key, target) in JSON_REFS.items() if tname == name}
        if "object_type" in table.c:
            deps |= set(OBJECT_TABLES.values()) & owned.keys()
        graph[name] = deps - {name}
    return list(TopologicalSorter(graph).static_order())


def _existing(table, column: str, value):
    return db.session.scalar(select(table.c.id).where(table.c[column] == value))


def _match_orgs(rows: list) -> dict:
    """Reuse the organisation of the same name, else create it."""
    table, out = db.metadata.tables["organisation"], {}
    for row in rows:
        found = _existing(table, "name", row.get("name"))
        out[row["id"]] = found if found is not None else _insert_values(table, row)
    return out


def _match_people(rows: list, orgs: dict) -> dict:
    """Reuse the person with the same e-mail (left as they are), else create them: never an
    administrator, with an unusable password (they reset it) and no second factor."""
    table, out = db.metadata.tables["user_account"], {}
    for row in rows:
        found = _existing(table, "email", row.get("email"))
        if found is None:
            values = {k: row[k] for k in USER_COLUMNS if k in row}
            values["organisation_id"] = _ref("user_account", "organisation_id", row, orgs)
            values["password_hash"] = hash_password(secrets.token_urlsafe(32))
            values["is_admin"] = False
            found = _insert_values(table, values)
        out[row["id"]] = found
    return out


def _ref(name: str, column: str, row: dict, ids: dict):
    """The new id of the row that ``row[column]`` names in the file, or BackupError."""
    old = row.get(column)
    if old is None:
        return None
    if old not in ids:
        raise BackupError(
            f"{name} {row.get('id', '')}: {column}={old!r} names a row that is not in the file"
        )
    return ids[old]


def _json_refs(name: str, row: dict, column: str, key: str, ids: dict) -> list:
    """A JSON list of objects with ``key`` renumbered (None: a row deleted before the export)."""
    value = row[column]
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise BackupError(f"{name} {row.get('id', '')}: {column} must be a list of objects")
    return [entry | {key: ids.get(entry.get(key))} for entry in value]


def _insert_values(table, values: dict):
    clean = {c.name: _decode(c, values[c.name]) for c in table.columns if c.name in values}
    clean.pop("id", None)
    result = db.session.execute(table.insert().values(**clean))
    return result.inserted_primary_key[0] if "id" in table.c else None


def _owner_columns() -> dict[str, list[str]]:
    """For each owned table, its columns naming the project or another owned row: a row must
    fill one of them to belong to the imported project."""
    tables = owned_tables()
    owners = {"project", *(t.name for t in tables)}
    return {
        t.name: [fk.parent.name for fk in t.foreign_keys if fk.column.table.name in owners]
        for t in tables
    }


def _insert(name: str, row: dict, maps: dict, owner_columns: list[str]) -> None:
    table, values = db.metadata.tables[name], dict(row)
    for fk in table.foreign_keys:
        col, target = fk.parent.name, fk.column.table.name
        if col in row:
            values[col] = _ref(name, col, row, maps.get(target, {}))
    for (tname, col), target in PLAIN_REFS.items():
        if tname == name and col in row:
            values[col] = _ref(name, col, row, maps.get(target, {}))
    for (tname, col), (key, target) in JSON_REFS.items():
        if tname == name and col in row:
            values[col] = _json_refs(name, row, col, key, maps.get(target, {}))
    if name != "project" and not any(values.get(c) is not None for c in owner_columns):
        raise BackupError(f"{name} {row.get('id', '')}: the row belongs to no imported object")
    kind = values.get("object_type")
    if kind in OBJECT_TABLES and values.get("object_id") is not None:
        ids = maps.get(OBJECT_TABLES[kind], {})
        if name in HISTORY_TABLES and row["object_id"] not in ids:
            values["object_id"] = None  # the object was deleted: its history stays
        else:
            values["object_id"] = _ref(name, "object_id", row, ids)
    for tname, col in DERIVED:
        if tname == name:
            values.pop(col, None)
    for tname, col in SECRETS:
        if tname == name:
            values[col] = new_token()[1] if col == "token_hash" else secrets.token_urlsafe(32)
    if name == "stored_file":
        values["storage_key"] = f"{values['project_id']}/{secrets.token_hex(16)}"
    new = _insert_values(table, values)
    if "id" in row:
        maps.setdefault(name, {})[row["id"]] = new


def _rechain(project_id: int) -> None:
    """Ids changed, so do the hashes: chain the imported log again, in its original order."""
    from workspace.events import _hash, entry_fields
    from workspace.models import Activity

    prev = ""
    for entry in db.session.scalars(
        select(Activity).filter_by(project_id=project_id).order_by(Activity.id)
    ):
        entry.prev_hash, entry.entry_hash = prev, _hash(prev, entry_fields(entry))
        prev = entry.entry_hash
    db.session.flush()


def _restore_files(files: dict[int, bytes], rows: list, maps: dict) -> None:
    """Write the documents under their new keys; a rollback deletes them (workspace.web.uploads)."""
    from workspace.models import StoredFile
    from workspace.web.uploads import upload_root

    written = db.session.info.setdefault("written_files", [])
    for row in rows:
        if row["id"] not in files:
            continue
        stored = db.session.get(StoredFile, maps["stored_file"][row["id"]])
        path = upload_root() / stored.storage_key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[row["id"]])
        written.append(path)
