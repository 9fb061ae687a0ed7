"""The floor of the stack: a bare Flask + SQLAlchemy page of the same task rows.

    BENCH_DATABASE_URL=sqlite:///… gunicorn -k gevent -w 1 bench.floor:app

One query joins what a board card shows (title, column, organisation, due date, priority,
assignee names, label names) for the first 500 tasks of the project, rendered by one Jinja
template, with no session, no permissions, no plugins, no layout. The board page is measured
as a ratio to this page: what the features cost on top of Flask + SQLAlchemy + Jinja.
"""

from __future__ import annotations

import os
from datetime import date

from flask import Flask, render_template_string, request
from sqlalchemy import bindparam, create_engine, text

from bench.floor_pages import PAGE as FLOOR_PAGE
from bench.floor_pages import compiled

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

API_TASKS_SQL = """
    SELECT t.id, t.column_id, t.position, t.title, t.description, t.area, t.organisation_id,
           t.priority, t.start_date, t.due_date, t.milestone_id, t.archived, t.version,
           t.created_at, t.updated_at,
           (SELECT GROUP_CONCAT(ta.user_id) FROM board_task_assignee ta
            WHERE ta.task_id = t.id) AS assignee_ids,
           (SELECT GROUP_CONCAT(tl.label_id) FROM board_task_label tl
            WHERE tl.task_id = t.id) AS label_ids
    FROM board_task t
    WHERE t.project_id = :project AND NOT t.archived AND t.deleted_at IS NULL
    ORDER BY t.id LIMIT 100
    """


def _api_tasks_query(postgres: bool):
    """GROUP_CONCAT on SQLite, string_agg on PostgreSQL."""
    sql = API_TASKS_SQL
    if postgres:
        sql = sql.replace("GROUP_CONCAT(ta.user_id)", "string_agg(ta.user_id::text, ',')")
        sql = sql.replace("GROUP_CONCAT(tl.label_id)", "string_agg(tl.label_id::text, ',')")
    return text(sql)


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
    api_tasks_query = _api_tasks_query("postgresql" in url)

    @app.get("/floor")
    def floor():
        with engine.connect() as conn:
            rows = conn.execute(QUERY, {"project": project, "rows": ROWS}).all()
        return render_template_string(PAGE, rows=rows)

    floor_pages = compiled()

    @app.get("/floor/page/<name>")
    def page(name: str):
        """A page's rows (bench/floor_pages.py) as bare tables."""
        params = {"project": project, "user": request.args.get("user", 0, type=int)}
        with engine.connect() as conn:
            tables = [conn.execute(q, params).all() for q in floor_pages[name]]
        return render_template_string(FLOOR_PAGE, name=name, tables=tables)

    @app.get("/floor/api/tasks")
    def api_tasks():
        """The API's page of tasks as bare JSON: 100 task rows with their assignees' and
        labels' ids, the fields the API's Task lists (no files, no permission, no ETag)."""
        with engine.connect() as conn:
            rows = conn.execute(api_tasks_query, {"project": project}).mappings().all()
        data = [
            {
                **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in r.items()},
                "assignee_ids": [int(i) for i in (r["assignee_ids"] or "").split(",") if i],
                "label_ids": [int(i) for i in (r["label_ids"] or "").split(",") if i],
            }
            for r in rows
        ]
        return {"data": data, "next_cursor": None}

    @app.get("/floor/thread/<object_type>/<int:object_id>")
    def thread(object_type: str, object_id: int):
        """The thread page's rows: its latest 30 conversations, their replies, authors."""
        with engine.connect() as conn:
            rows = conn.execute(
                THREAD_QUERY, {"project": project, "type": object_type, "id": object_id}
            ).all()
        return render_template_string(THREAD_PAGE, rows=rows)

    @app.get("/floor/indicator/<int:indicator_id>")
    def indicator(indicator_id: int):
        """The indicator page's rows: the indicator and its measurements with who entered them."""
        with engine.connect() as conn:
            rows = conn.execute(MEASUREMENTS_QUERY, {"indicator": indicator_id}).all()
        return render_template_string(INDICATOR_PAGE, rows=rows)

    @app.get("/floor/portfolio/<int:user_id>")
    def portfolio(user_id: int):
        """The portfolio's rows: a person's projects with their next milestone, late and
        submitted milestones, late tasks, indicator count and last activity."""
        with engine.connect() as conn:
            projects = conn.execute(PORTFOLIO_QUERY, {"user": user_id}).all()
            ids = {"ids": [p.id for p in projects], "today": date.today()}
            facts = {q: dict(_by_project(conn, sql, ids)) for q, sql in PORTFOLIO_FACTS.items()}
        return render_template_string(PORTFOLIO_PAGE, projects=projects, facts=facts)

    return app


def _by_project(conn, sql, params):
    return ((row[0], row[1:]) for row in conn.execute(sql, params))


PORTFOLIO_QUERY = text(
    """
    SELECT p.id, p.name, p.form, p.territory, p.stage, m.role
    FROM project p JOIN membership m ON m.project_id = p.id
    WHERE m.user_id = :user AND NOT p.archived
    ORDER BY p.name
    """
)

_IN = bindparam("ids", expanding=True)
PORTFOLIO_FACTS = {
    "milestones": text(
        """
        SELECT project_id, MIN(planned_date), SUM(CASE WHEN status = 'submitted' THEN 1 END),
               SUM(CASE WHEN planned_date < :today AND status <> 'submitted' THEN 1 END)
        FROM milestones_milestone WHERE project_id IN :ids AND status <> 'validated'
        GROUP BY project_id
        """
    ).bindparams(_IN),
    "tasks": text(
        """
        SELECT t.project_id, COUNT(*) FROM board_task t
        JOIN board_column c ON c.id = t.column_id
        WHERE t.project_id IN :ids AND NOT t.archived AND NOT c.done AND t.due_date < :today
        GROUP BY t.project_id
        """
    ).bindparams(_IN),
    "indicators": text(
        """
        SELECT project_id, COUNT(*) FROM indicators_indicator WHERE project_id IN :ids
        GROUP BY project_id
        """
    ).bindparams(_IN),
    "activity": text(
        """
        SELECT project_id, MAX(created_at) FROM activity WHERE project_id IN :ids
        GROUP BY project_id
        """
    ).bindparams(_IN),
}

PORTFOLIO_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Portefeuille</title></head><body><main><h1>Portefeuille</h1><table>
{% for p in projects %}{% set m = facts.milestones.get(p.id) %}<tr>
<th><a href="/projects/{{ p.id }}/">{{ p.name }}</a> {{ p.form }} {{ p.territory }}
{{ p.role }}</th>
<td>{{ p.stage }}</td><td>{{ m[0] if m else "" }}</td><td>{{ m[2] if m else 0 }}</td>
<td>{{ m[1] if m else 0 }}</td><td>{{ facts.tasks.get(p.id, [0])[0] }}</td>
<td>{{ facts.indicators.get(p.id, [0])[0] }}</td><td>{{ facts.activity.get(p.id, [""])[0] }}</td>
</tr>{% endfor %}</table></main></body></html>"""


THREAD_QUERY = text(
    """
    WITH tops AS (
        SELECT id FROM comments_comment
        WHERE project_id = :project AND object_type = :type AND object_id = :id
          AND parent_id IS NULL
        ORDER BY id DESC LIMIT 30
    )
    SELECT c.id, c.parent_id, c.html, c.created_at, u.name AS author, o.name AS org_name
    FROM comments_comment c
    JOIN user_account u ON u.id = c.author_id
    LEFT JOIN organisation o ON o.id = u.organisation_id
    WHERE c.id IN (SELECT id FROM tops) OR c.parent_id IN (SELECT id FROM tops)
    ORDER BY COALESCE(c.parent_id, c.id), c.id
    """
)

THREAD_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Fil</title>
</head><body><main><h1>Discussion</h1>
{% for r in rows %}<article id="comment-{{ r.id }}"{% if r.parent_id %} class="reply"{% endif %}>
<header><strong>{{ r.author }}</strong> <span>{{ r.org_name or "" }}</span>
<time>{{ r.created_at }}</time></header><div>{{ r.html|safe }}</div></article>
{% endfor %}</main></body></html>"""

MEASUREMENTS_QUERY = text(
    """
    SELECT i.name, i.unit, i.target_value, m.id, m.period, m.value, m.review_status,
           u.name AS entered_by
    FROM indicators_indicator i
    JOIN indicators_measurement m ON m.indicator_id = i.id
    LEFT JOIN user_account u ON u.id = m.entered_by_id
    WHERE i.id = :indicator
    ORDER BY m.period_end
    """
)

INDICATOR_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Indicateur</title></head><body><main><h1>{{ rows[0].name if rows else "" }}</h1><table>
{% for r in rows %}<tr id="measurement-{{ r.id }}"><td>{{ r.period }}</td>
<td>{{ r.value }} {{ r.unit }}</td><td>{{ r.review_status }}</td>
<td>{{ r.entered_by or "" }}</td></tr>
{% endfor %}</table></main></body></html>"""


app = create_floor(
    os.environ.get("BENCH_DATABASE_URL", "sqlite://"),
    int(os.environ.get("BENCH_PROJECT", "1")),
)
