"""The floors of every page (bench/pages.py): for each page a user opens, the rows it shows,
read by bare SQL and rendered as bare tables — no session, no permissions, no layout.

Each floor is a list of queries taking ``:project``, ``:user`` and ``:indicator``; the page
``/floor/page/<name>`` runs them on one connection and renders every result as a table. A
page's cost is measured as a ratio to its floor: what Coopilote adds to Flask + SQLAlchemy +
Jinja reading the same rows.
"""

from __future__ import annotations

from sqlalchemy import text

#: The rows of the project list: the person's projects with their role.
PROJECTS = """
    SELECT p.id, p.name, p.form, p.territory, p.stage, p.start_date, p.end_date, m.role
    FROM project p JOIN membership m ON m.project_id = p.id
    WHERE m.user_id = :user AND NOT p.archived ORDER BY p.name
"""

#: Members with their organisation (the overview groups them, the member list lists them).
MEMBERS = """
    SELECT u.id, u.name, u.email, o.name AS org, m.role, m.coordinator
    FROM membership m JOIN user_account u ON u.id = m.user_id
    JOIN organisation o ON o.id = u.organisation_id
    WHERE m.project_id = :project ORDER BY o.name, u.name
"""

MILESTONES = """
    SELECT m.id, m.title, m.planned_date, m.status, m.round,
           (SELECT COUNT(*) FROM milestones_review r WHERE r.milestone_id = m.id) AS reviews
    FROM milestones_milestone m WHERE m.project_id = :project
    ORDER BY m.planned_date, m.id
"""

#: Each indicator with its latest measurement.
INDICATORS = """
    SELECT i.id, i.name, i.area, i.unit, i.baseline_value, i.target_value, i.target_date,
           o.name AS org, m.period, m.value, m.review_status
    FROM indicators_indicator i
    LEFT JOIN organisation o ON o.id = i.responsible_org_id
    LEFT JOIN indicators_measurement m ON m.id = (
        SELECT m2.id FROM indicators_measurement m2 WHERE m2.indicator_id = i.id
        ORDER BY m2.period_end DESC LIMIT 1)
    WHERE i.project_id = :project ORDER BY i.position, i.id
"""

FLOORS: dict[str, list[str]] = {
    "projects": [PROJECTS],
    "overview": [
        "SELECT id, name, form, territory, stage, summary, start_date, end_date FROM project"
        " WHERE id = :project",
        "SELECT o.name FROM project_partner pp JOIN organisation o"
        " ON o.id = pp.organisation_id WHERE pp.project_id = :project ORDER BY o.name",
        MEMBERS,
    ],
    "dashboard": [
        INDICATORS,
        MILESTONES,
        "SELECT c.name, COUNT(t.id) FROM board_column c LEFT JOIN board_task t"
        " ON t.column_id = c.id AND NOT t.archived WHERE c.project_id = :project"
        " GROUP BY c.id, c.name, c.position ORDER BY c.position",
    ],
    "checklists": [
        "SELECT s.title AS section, i.id, i.label, i.status, i.due_date, i.justification,"
        " o.name AS org, u.name AS responsible"
        " FROM checklists_item i JOIN checklists_section s ON s.id = i.section_id"
        " LEFT JOIN organisation o ON o.id = i.responsible_org_id"
        " LEFT JOIN user_account u ON u.id = i.responsible_id"
        " WHERE i.project_id = :project ORDER BY s.position, i.position, i.id",
    ],
    "milestones": [MILESTONES],
    "funding": [
        "SELECT l.id, l.kind, l.status, l.purpose, l.amount_requested, l.amount_granted,"
        " l.amount_paid, o.name AS funder FROM funding_line l"
        " JOIN organisation o ON o.id = l.funder_id WHERE l.project_id = :project"
        " ORDER BY l.id",
    ],
    "indicators": [INDICATORS],
    "activity": [
        "SELECT a.id, a.verb, a.summary, a.created_at, u.name AS actor FROM activity a"
        " LEFT JOIN user_account u ON u.id = a.actor_id WHERE a.project_id = :project"
        " ORDER BY a.id DESC LIMIT 50",
    ],
    "notifications": [
        "SELECT n.id, n.text, n.url, n.created_at, n.read_at, u.name AS actor"
        " FROM notification n LEFT JOIN user_account u ON u.id = n.actor_id"
        " WHERE n.user_id = :user ORDER BY n.id DESC LIMIT 30",
    ],
    "members": [MEMBERS],
    "report": [
        INDICATORS,
        "SELECT m.indicator_id, m.period, m.value, m.review_status"
        " FROM indicators_measurement m WHERE m.project_id = :project"
        " AND m.period_end >= '2026-07-01' AND m.period_end <= '2026-12-31'"
        " ORDER BY m.indicator_id, m.period_end",
        MILESTONES,
    ],
}

PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ name }}</title>
</head><body><main><h1>{{ name }}</h1>
{% for rows in tables %}<table>
{% for r in rows %}<tr>{% for v in r %}<td>{{ v if v is not none else "" }}</td>{% endfor %}</tr>
{% endfor %}</table>{% endfor %}</main></body></html>"""


def compiled() -> dict[str, list]:
    return {name: [text(sql) for sql in queries] for name, queries in FLOORS.items()}
