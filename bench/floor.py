"""The floor of the stack: a bare Flask + SQLAlchemy page of the same task rows.

    BENCH_DATABASE_URL=sqlite:///… gunicorn -k gevent -w 1 bench.floor:app

One query joins what a board card shows (title, column, organisation, due date, priority,
assignee names, label names) for the first 500 tasks of the project, rendered by one Jinja
template, with no session, no permissions, no plugins, no layout. The board page is measured
as a ratio to this page: what the features cost on top of Flask + SQLAlchemy + Jinja.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

ROWS = 500

QUERY = text(
    """
    SELECT t.id, t.title, t.due_date, t.priority, t.area, c.name AS column_name,
           o.name AS org_name, u.name AS assignee, l.name AS label
    FROM board_task t
    JOIN board_column c ON c.id = t.column_id
    LEFT JOIN organisation o ON o.id = t.organisation_id
    LEFT JOIN board_task_assignee ta ON ta.task_id = t.id
    LEFT JOIN user_account u ON u.id = ta.user_id
    LEFT JOIN board_task_label tl ON tl.task_id = t.id
    LEFT JOIN board_label l ON l.id = tl.label_id
    WHERE t.project_id = :project AND NOT t.archived
    ORDER BY c.position, t.position, t.id
    LIMIT :rows
    """
)

PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Tableau</title>
</head><body><main><h1>Tableau</h1><ul>
{% for r in rows %}<li class="card" id="task-{{ r.id }}">
<a href="/tasks/{{ r.id }}">{{ r.title }}</a>
<span>{{ r.column_name }}</span> <span>{{ r.org_name or "" }}</span>
<span>{{ r.due_date or "" }}</span> <span>{{ r.priority }}</span> <span>{{ r.area or "" }}</span>
<span>{{ r.assignee or "" }}</span> <span>{{ r.label or "" }}</span></li>
{% endfor %}</ul></main></body></html>"""


def create_floor(url: str, project: int = 1) -> Flask:
    app = Flask(__name__)
    engine = create_engine(url, pool_size=10, max_overflow=20) if "postgresql" in url else None
    engine = engine or create_engine(url)

    @app.get("/floor")
    def floor():
        with engine.connect() as conn:
            rows = conn.execute(QUERY, {"project": project, "rows": ROWS}).all()
        return render_template_string(PAGE, rows=rows)

    return app


app = create_floor(
    os.environ.get("BENCH_DATABASE_URL", "sqlite://"),
    int(os.environ.get("BENCH_PROJECT", "1")),
)
