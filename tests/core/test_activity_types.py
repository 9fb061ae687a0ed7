"""The activity log names every type of event in words (each plugin declares its own), in the
entries' icons and in the type filter — never a plugin's key."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select

from workspace.extensions import db
from workspace.models import Activity, Project, User
from workspace.projects.demo import PEOPLE, PROJECT_NAME, load_demo
from workspace.projects.views import activity_type


def test_every_type_of_the_demo_has_a_label(login_as):
    with current_app.test_request_context():
        load_demo()
    types = set(db.session.scalars(select(Activity.object_type).distinct()))
    assert {"plan", "board", "task", "comment", "milestone"} <= types
    unnamed = {t for t in types if str(activity_type(t)[0]) == t}
    assert unnamed == set()
    project = db.session.scalar(select(Project).filter_by(name=PROJECT_NAME))
    claire = db.session.scalar(select(User).filter_by(email=PEOPLE["claire"][0]))
    page = login_as(claire).get(f"/projects/{project.id}/activity").text
    options = dict(re.findall(r'<option value="([a-z_]+)" [^>]*>([^<]+)</option>', page))
    assert options["plan"] == "Plan de projet" and options["board"] == "Tableau des tâches"
    assert all(value != label for value, label in options.items())
    kinds = select(Activity.object_type).filter_by(project_id=project.id).distinct()
    assert set(options) == set(db.session.scalars(kinds))  # every kind of the log, no other


def test_a_type_nobody_declares_is_shown_as_it_is(app):
    assert activity_type("extension") == ("extension", "activity")
