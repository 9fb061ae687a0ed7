"""The demo project as a test world: people by role and real ids for every URL argument.

``demo_world()`` loads the demo (every plugin's content) and returns a :class:`World`;
``world.fill(rule)`` gives the URL arguments of a route with objects of the demo project (a row
of the table the argument names, its parents taken from the row's own columns so that nested
URLs are consistent). An argument this module does not know raises ``KeyError``: a new
endpoint cannot be skipped silently by the tests that walk the URL map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from tests.factories import create_user
from workspace.extensions import db
from workspace.models import Project, User
from workspace.projects.demo import ADMIN, PEOPLE, PROJECT_NAME, load_demo

ROLE_OF = {
    "coordinator": "claire",
    "director": "karim",
    "adviser": "julien",
    "evaluator": "nadia",
    "funder": "pierre",
}

# argument name → table, and (plugin, argument) overrides for names several plugins use.
ARG_TABLES = {
    "column_id": "board_column",
    "task_id": "board_task",
    "label_id": "board_label",
    "template_id": "board_template",
    "section_id": "checklists_section",
    "comment_id": "comments_comment",
    "file_id": "stored_file",
    "line_id": "funding_line",
    "doc_id": "funding_document",
    "expense_id": "funding_expense",
    "indicator_id": "indicators_indicator",
    "measurement_id": "indicators_measurement",
    "review_id": "indicators_review",
    "membership_id": "membership",
    "invitation_id": "invitation",
    "milestone_id": "milestones_milestone",
    "evidence_id": "milestones_evidence",
    "hook_id": "api_webhook",
    "notification_id": "notification",
    "org_id": "organisation",
    "organisation_id": "organisation",
    "user_id": "user_account",
    "token_id": "api_token",
}
PLUGIN_ARG_TABLES = {
    ("board", "item_id"): "board_subitem",
    ("checklists", "item_id"): "checklists_item",
    ("funding", "item_id"): "funding_budget_item",
    ("plan", "section_id"): "plan_section",
    ("plan", "version_id"): "plan_version",
}
# Non-id arguments: the values that reach real objects or public pages.
FIXED = {
    "code": "fr",
    "filename": "css/app.css",
    "token": "jeton-invalide",
    "action": "submit",
    "fmt": "docx",
    "job_id": 1,  # someone's job: its owner-only rule is tested in tests/core/test_jobs.py
    "request_id": 1,  # an intake request: its Pôle-only rule is tested in tests/core/test_intake.py
    "call_id": 1,  # a funder's call: its rules are tested in tests/plugins/funding/test_calls.py
    # An application to it and its quote: tested in tests/plugins/funding/test_applications.py
    "application_id": 1,
    "document_id": 1,
}


def url_args(rule) -> list[str]:
    """The rule's arguments in URL order (``rule.arguments`` is a set)."""
    return re.findall(r"<(?:[^:<>]+:)?([a-z_]+)>", rule.rule)


def plugin_of(endpoint: str) -> str:
    return endpoint.split(".", 1)[0].split("_", 1)[0]


@dataclass
class World:
    project: Project
    other: Project  # a second project coordinated by the same coordinator (IDOR checks)
    people: dict = field(default_factory=dict)

    def table_for(self, endpoint: str, arg: str):
        name = PLUGIN_ARG_TABLES.get((plugin_of(endpoint), arg)) or ARG_TABLES[arg]
        return db.metadata.tables[name]

    def rows(self, table, project_id: int):
        """Rows of ``table`` belonging to the project (directly or through one parent)."""
        cols = table.c
        if table.name in ("organisation", "user_account", "api_token", "notification"):
            return db.session.execute(select(table).order_by(cols.id)).mappings().all()
        if "project_id" in cols:
            stmt = select(table).where(cols.project_id == project_id)
        elif "source_project_id" in cols:
            stmt = select(table).where(cols.source_project_id == project_id)
        else:
            fk = next(fk for fk in table.foreign_keys if "project_id" in fk.column.table.c)
            parent = fk.column.table
            ids = select(parent.c.id).where(parent.c.project_id == project_id)
            stmt = select(table).where(fk.parent.in_(ids))
        return db.session.execute(stmt.order_by(cols.id)).mappings().all()

    def fill(self, rule, project_id: int | None = None, ids_from: int | None = None) -> dict:
        """URL values for ``rule``: ``project_id`` in the URL, object ids taken from project
        ``ids_from`` (default: the same project)."""
        pid = project_id or self.project.id
        source = ids_from or pid
        values: dict = {}
        args = [a for a in url_args(rule) if a != "project_id"]
        if "project_id" in rule.arguments:
            values["project_id"] = pid
        for arg in args:
            if arg in FIXED:
                values[arg] = FIXED[arg]
        skip = {"name", "object_type", "object_id"} if "object_type" in args else {"name"}
        ints = [a for a in args if a not in FIXED and a not in skip]
        row = None
        for arg in reversed(ints):  # deepest first: its row names its parents
            if arg in values:
                continue
            if row is not None and arg in row and row[arg] is not None:
                values[arg] = row[arg]
                continue
            rows = self.rows(self.table_for(rule.endpoint, arg), source)
            if not rows:
                raise LookupError(f"no {arg} row for {rule.rule}")
            row = row or self._pick(rule.endpoint, rows)
            values[arg] = (row if row in rows else rows[0])["id"]
        if "object_type" in rule.arguments:
            comment = self.rows(db.metadata.tables["comments_comment"], source)[0]
            values["object_type"], values["object_id"] = (
                comment["object_type"],
                comment["object_id"],
            )
        if "name" in rule.arguments:
            from workspace.plugins import widgets

            values["name"] = widgets()[0].name
        return values

    def _pick(self, endpoint, rows):
        return rows[0]


def demo_world() -> World:
    from flask import current_app

    # Like `flask demo` run from the CLI, but some plugins word activity in a request locale.
    with current_app.test_request_context():
        load_demo()
    project = db.session.scalar(select(Project).filter_by(name=PROJECT_NAME))
    people = {
        role: db.session.scalar(select(User).filter_by(email=PEOPLE[key][0]))
        for role, key in ROLE_OF.items()
    }
    people["admin"] = db.session.scalar(select(User).filter_by(email=ADMIN[0]))
    people["outsider"] = create_user("Olivier Extérieur")
    from workspace.operations import create_project

    other = create_project(
        people["coordinator"],
        name="Autre projet",
        form="gcsms",
        partners=[people["coordinator"].organisation],
    )
    from workspace.models import Membership

    for role in ("director", "adviser", "evaluator", "funder"):
        db.session.add(Membership(user_id=people[role].id, project_id=other.id, role=role))
    db.session.commit()
    _ensure_webhook(project, people["coordinator"])
    world = World(project=project, other=other, people=people)
    # Objects the demo story does not create, so that every route has a real target.
    for name in MISSING_IN_DEMO:
        table = db.metadata.tables[name]
        if not world.rows(table, project.id):
            insert_row(world, table)
    return world


# Columns whose values are constrained (enumerations): a valid value.
VALID = {"role": "adviser", "status": "pending", "kind": "other"}

MISSING_IN_DEMO = [
    "invitation",
    "board_template",
    "funding_document",
    "funding_expense",
    "api_token",
]


def insert_row(world: World, table) -> int:
    """Insert a plausible row: required columns filled, foreign keys to the demo project."""
    import datetime as dt

    from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Numeric, String, Text

    values = {}
    for col in table.columns:
        kind = getattr(col.type, "impl_instance", col.type)  # TypeDecorator → its base type
        if col.primary_key or (col.nullable and not col.foreign_keys):
            continue
        has_default = col.default is not None or col.server_default is not None
        if has_default and not col.foreign_keys:
            continue
        if col.name in VALID and not col.foreign_keys:
            values[col.name] = VALID[col.name]
        elif col.name in ("project_id", "source_project_id"):
            values[col.name] = world.project.id
        elif col.foreign_keys:
            target = next(iter(col.foreign_keys)).column.table
            rows = world.rows(target, world.project.id)
            values[col.name] = rows[0]["id"]
        elif isinstance(kind, Boolean):
            values[col.name] = False
        elif isinstance(kind, Integer | Numeric):
            values[col.name] = 1
        elif isinstance(kind, DateTime):
            values[col.name] = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
        elif isinstance(kind, Date):
            values[col.name] = dt.date(2026, 6, 1)
        elif isinstance(kind, JSON):
            values[col.name] = {}
        elif isinstance(kind, String | Text):
            n = getattr(kind, "length", None) or 40
            values[col.name] = (
                f"{table.name}-{col.name}"[:n] if "hash" not in col.name else ("h" * min(n, 64))
            )
        else:  # pragma: no cover - a new column type: teach this helper
            raise TypeError(f"{table.name}.{col.name}: {col.type!r}")
    result = db.session.execute(table.insert().values(**values))
    db.session.commit()
    return result.inserted_primary_key[0]


def _ensure_webhook(project, user) -> None:
    from workspace.api.models import Webhook

    if not db.session.scalar(select(Webhook).filter_by(project_id=project.id)):
        db.session.add(
            Webhook(
                project_id=project.id,
                url="https://example.org/hook",
                secret="s" * 32,
                events=["task:created"],
                created_by_id=user.id,
            )
        )
        db.session.commit()
