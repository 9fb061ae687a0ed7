"""The one Alembic history builds, from empty, exactly the schema the models declare."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from workspace.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def _fresh_url(tmp_path: Path) -> str:
    base = os.environ.get("WORKSPACE_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    import psycopg

    name = base.rsplit("/", 1)[1] + "_migrations_" + os.environ.get("PYTEST_XDIST_WORKER", "m")
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def _flask(url: str, instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKSPACE_DATABASE_URL": url, "WORKSPACE_INSTANCE_PATH": str(instance)}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "workspace", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.xdist_group("migrations")
def test_upgrade_from_empty_matches_models_and_downgrades(tmp_path):
    url = _fresh_url(tmp_path)
    done = _flask(url, tmp_path, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    down = _flask(url, tmp_path, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    engine.dispose()


def test_demo_loads_twice_on_migrated_database(tmp_path):
    url = _fresh_url(tmp_path)
    assert _flask(url, tmp_path, "db", "upgrade").returncode == 0
    first = _flask(url, tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "claire.martin@demo.coopilote.fr" in first.stdout
    second = _flask(url, tmp_path, "demo")  # idempotent
    assert second.returncode == 0, second.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT count(*) FROM project").scalar()
    engine.dispose()
    assert count == 3  # the GCSMS and the two smaller projects, once each
