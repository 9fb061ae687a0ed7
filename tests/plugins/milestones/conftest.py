"""Milestones test helpers: a milestone driven to a given workflow state."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import current_app
from werkzeug.datastructures import FileStorage

from plugins.milestones import operations as ops
from workspace.extensions import db
from workspace.projects.demo_story import tiny_pdf


def pdf_upload(name="preuve.pdf", text="preuve"):
    return FileStorage(io.BytesIO(tiny_pdf(text)), filename=name, content_type="application/pdf")


def make_milestone(project, people, state="planned", **fields):
    """A milestone in ``state`` (planned, submitted, validated, returned), with one document."""
    fields.setdefault("title", "Projet de convention constitutive")
    fields.setdefault("planned_date", date(2026, 12, 15))
    # Operations run as in a request (URLs, the notifications' locale).
    with current_app.test_request_context():
        m = ops.create_milestone(project, people["director"], **fields)
        ops.add_file(m, people["director"], pdf_upload())
        if state != "planned":
            ops.submit(m, people["director"], "Voici la version 3.")
        if state == "validated":
            ops.validate(m, people["adviser"], "")
        if state == "returned":
            ops.send_back(m, people["adviser"], "Il manque l'annexe financière.")
        db.session.commit()
    return m


@pytest.fixture
def milestone_in():
    return make_milestone
