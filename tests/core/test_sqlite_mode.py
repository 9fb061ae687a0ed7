"""SQLite, the embedded default, runs in write-ahead-log mode with every commit synced."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from workspace.extensions import db


def _pragmas(connection) -> tuple[str, int]:
    mode = connection.execute(text("PRAGMA journal_mode")).scalar()
    return mode, connection.execute(text("PRAGMA synchronous")).scalar()


def test_the_application_database_uses_the_log(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert _pragmas(connection) == ("wal", 2)  # 2 = FULL: synced on every commit


def test_any_sqlite_file_opened_gets_the_log(tmp_path):
    # A fresh file, through a separate engine (the CLI, the benches): the same pragmas.
    engine = create_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        with engine.connect() as connection:
            assert _pragmas(connection) == ("wal", 2)
            connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY)"))
            connection.commit()
            assert (tmp_path / "other.sqlite-wal").exists()
    finally:
        engine.dispose()
