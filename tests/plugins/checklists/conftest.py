"""Checklists fixtures: a project with one user per role and its GCSMS checklists."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import current_app

from plugins.checklists import operations, queries
from workspace.extensions import db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HX = {"HX-Request": "true"}


@pytest.fixture
def cl(roles_project):
    """(project, people, items): the GCSMS template applied, items in page order."""
    project, people = roles_project
    operations.apply_template(project, people["coordinator"], "gcsms")
    db.session.commit()
    items = [i for s in queries.sections_of(project.id) for i in s.items]
    return project, people, items


def files_on_disk() -> int:
    """How many files are stored under the upload directory (orphans show up here)."""
    root = Path(current_app.config["UPLOAD_DIR"])
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
