"""What the board offers other parts of the app: hooks, commentable tasks, template seeding."""

from __future__ import annotations

from datetime import date

import markdown_it
import nh3
from flask import g, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from workspace.extensions import db
from workspace.permissions import can, can_each
from workspace.web.formats import ngettext

from .lookups import today
from .models import BoardColumn, Task
from .operations import task_url
from .setup import apply_template, ensure_columns, template_choices

_md = markdown_it.MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a",
    "h3", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip


def render_markdown(text: str) -> Markup:
    """Markdown (raw HTML disabled) sanitised by nh3: safe to show."""
    html = _md.render(text or "")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}})
    return Markup(clean)  # noqa: S704 - sanitised just above


def resolve_task(project, object_id) -> Task | None:
    task = db.session.get(Task, object_id) if isinstance(object_id, int) else None
    if task is None or task.project_id != project.id or task.deleted_at is not None:
        return None
    return task


def milestone_links(project, milestone_id) -> str | None:
    """The tasks linked to a milestone, with how many are done (for the milestone page)."""
    if not can(current_user, project, "board.view"):
        return None
    rows = db.session.execute(
        select(Task, BoardColumn.done)
        .join(BoardColumn, BoardColumn.id == Task.column_id)
        .where(
            Task.project_id == project.id,
            Task.milestone_id == milestone_id,
            Task.archived.is_(False),
        )
        .order_by(BoardColumn.position, Task.position)
    ).all()
    if not rows:
        return None
    done = sum(1 for _t, d in rows if d)
    return render_template(
        "board/_milestone_links.html",
        project=project,
        rows=rows,
        done=done,
        total=len(rows),
        task_url=task_url,
    )


def _my_open_tasks(user, project_ids: list[int]):
    """``(open, overdue)`` counts of the tasks assigned to ``user`` in these projects, read
    once per request (the home page's « Mes tâches » button and « Ce qui vous attend » both
    show them)."""
    key = (user.id, tuple(sorted(project_ids)))
    memo = g.setdefault("board_my_open_tasks", {})
    if key not in memo:
        memo[key] = _count_my_open_tasks(user, project_ids)
    return memo[key]


def _count_my_open_tasks(user, project_ids: list[int]):
    from workspace.models import User

    late = Task.due_date < today()
    return db.session.execute(
        select(func.count(Task.id), func.count(Task.id).filter(late))
        .join(BoardColumn, BoardColumn.id == Task.column_id)
        .where(
            Task.archived.is_(False),
            BoardColumn.done.is_(False),
            Task.project_id.in_(project_ids),
            Task.assignees.any(User.id == user.id),
        )
    ).one()


def portfolio_facts(projects, today: date) -> dict[int, dict]:
    """The portfolio's facts of each project (one query for them all): the open tasks past
    their due date (``overdue``) and an alert that links to the board filtered on them."""
    ids = [p.id for p in projects]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Task.project_id, func.count(Task.id))
        .join(BoardColumn, BoardColumn.id == Task.column_id)
        .where(
            Task.project_id.in_(ids),
            Task.archived.is_(False),
            BoardColumn.done.is_(False),
            Task.due_date < today,
        )
        .group_by(Task.project_id)
    ).all()
    facts = {}
    for pid, n in rows:
        text = ngettext("%(num)d tâche en retard", "%(num)d tâches en retard", n)
        url = url_for("board.index", project_id=pid, due="overdue")
        facts[pid] = {"overdue": n, "alerts": [{"text": text, "url": url, "level": "warn"}]}
    return facts


def my_projects_top(projects=(), **_kw) -> str | None:
    """« Mes tâches » with the number of open tasks assigned to me — for who has some, or
    may work on tasks in one of ``projects`` (an adviser or a funder has no such page)."""
    if not current_user.is_authenticated:
        return None
    count, _late = _my_open_tasks(current_user, [p.id for p in projects])
    if not count and not can_each(current_user, projects, "board.edit"):
        return None
    return render_template(
        "board/_my_tasks_link.html", count=count, url=url_for("board_mine.index")
    )


def awaiting(user, projects) -> list:
    """« Ce qui vous attend »: my open tasks, the overdue ones counted."""
    from flask_babel import gettext, ngettext

    from workspace.projects.awaiting import Awaiting

    count, late = _my_open_tasks(user, [p.id for p in projects])
    if not count:
        return []
    text = ngettext(
        "%(num)d tâche ouverte vous est attribuée",
        "%(num)d tâches ouvertes vous sont attribuées",
        count,
    )
    if late:
        text += gettext(", dont %(n)d en retard", n=late)
    tone = "danger" if late else "info"
    return [Awaiting(text, url_for("board_mine.index"), "kanban", count, tone=tone)]


def project_form_fields(project, form) -> str | None:
    """On the creation form only: "start from a task template"."""
    if project is not None:
        return None
    return render_template("board/_template_field.html", choices=template_choices(current_user))


def on_project_created(project, actor, options, **_kw) -> None:
    """Default columns for every new project; the chosen template's tasks, if any."""
    ensure_columns(project)
    key = (options or {}).get("board_template") or ""
    if key:
        apply_template(project, actor, str(key))


def calendar_entries(project) -> list:
    """The due dates of the project's open tasks, for the private iCalendar feed."""
    from flask_babel import gettext

    from workspace.plugins import CalendarEntry

    rows = db.session.scalars(
        select(Task)
        .join(BoardColumn, BoardColumn.id == Task.column_id)
        .where(
            Task.project_id == project.id,
            Task.due_date.is_not(None),
            Task.archived.is_(False),
            BoardColumn.done.is_(False),
        )
        .order_by(Task.due_date, Task.id)
    )
    return [
        CalendarEntry(
            uid=f"task-{t.id}",
            day=t.due_date,
            summary=gettext("Échéance : %(title)s", title=t.title),
            url=url_for("board.index", project_id=project.id, task=t.id, _external=True),
            description=t.description,
        )
        for t in rows
    ]
