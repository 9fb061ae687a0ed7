"""What the board offers other parts of the app: hooks, commentable tasks, template seeding."""

from __future__ import annotations

import markdown_it
import nh3
from flask import render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from workspace.extensions import db
from workspace.permissions import can

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
    return task if task is not None and task.project_id == project.id else None


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


def my_projects_top() -> str | None:
    """A link to “Mes tâches” with the number of open tasks assigned to me."""
    if not current_user.is_authenticated:
        return None
    from workspace.models import Membership, User

    mine = select(Membership.project_id).where(Membership.user_id == current_user.id)
    count = db.session.scalar(
        select(func.count(Task.id))
        .join(BoardColumn, BoardColumn.id == Task.column_id)
        .where(
            Task.archived.is_(False),
            BoardColumn.done.is_(False),
            Task.project_id.in_(mine),
            Task.assignees.any(User.id == current_user.id),
        )
    )
    return render_template(
        "board/_my_tasks_link.html", count=count, url=url_for("board_mine.index")
    )


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
