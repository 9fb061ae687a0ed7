"""Plan test helpers: a started plan, and editors that speak Yjs through pycrdt."""

from __future__ import annotations

import pytest
from flask import current_app
from pycrdt import Doc, Text

from plugins.plan import crdt
from plugins.plan import operations as ops
from workspace.extensions import db


def start_plan(project, people):
    with current_app.test_request_context():
        sections = ops.start_plan(project, people["director"])
        db.session.commit()
    return sections


class Editor:
    """A Yjs client: a pycrdt document whose edits come out as updates, as a browser's do."""

    def __init__(self):
        self.doc = Doc()
        self.text = self.doc.get(crdt.ROOT, type=Text)

    def edit(self, change) -> bytes:
        """Apply ``change(text)`` locally and return the update it makes."""
        before = self.doc.get_state()
        with self.doc.transaction():
            change(self.text)
        return self.doc.get_update(before)

    def type(self, at: int, words: str, formats: dict | None = None) -> bytes:
        """Insert at ``at``, counted as pycrdt counts: in UTF-8 bytes (see :attr:`end`)."""
        return self.edit(lambda t: t.insert(at, words, formats))

    @property
    def end(self) -> int:
        """Where text appends: pycrdt's length is in UTF-8 bytes, not characters."""
        return len(self.text)

    def receive(self, update: bytes) -> None:
        self.doc.apply_update(bytes(update))

    @property
    def state_vector(self) -> bytes:
        return self.doc.get_state()

    def missing_for(self, state_vector: bytes) -> bytes:
        return self.doc.get_update(bytes(state_vector))

    def __str__(self) -> str:
        return str(self.text)


@pytest.fixture
def plan(roles_project):
    """``(project, people, sections)`` with the GCSMS template's sections."""
    project, people = roles_project
    return project, people, start_plan(project, people)
