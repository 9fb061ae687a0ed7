"""The board plugin: the shared kanban of a cooperation project (issue 4).

Columns, tasks (area, responsible organisation, assignees, dates, priority, labels,
sub-items, milestone link), drag and drop and keyboard moves, live updates, filters,
“mes tâches”, task templates, CSV export.

Hook provided (among others): ``portfolio_facts(projects, today)`` (overdue tasks).
"""

import click
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from workspace.permissions import ALL_ROLES, Permission
from workspace.plugins import Commentable, NavItem, Plugin, Searchable

from . import (  # noqa: F401 - register the routes
    api_columns,
    attachments,
    trash,
    views_settings,
    views_tasks,
)
from .api import api_bp
from .demo import demo
from .hooks import (
    awaiting,
    calendar_entries,
    milestone_links,
    my_projects_top,
    on_project_created,
    portfolio_facts,
    project_form_fields,
    render_markdown,
    resolve_task,
)
from .mine import root_bp
from .models import Task
from .operations import task_url
from .site_templates import admin_tabs
from .views import bp


def _on_load(app) -> None:
    from workspace.operations import project_created

    project_created.connect(on_project_created, weak=False)
    app.jinja_env.filters.setdefault("board_markdown", render_markdown)
    app.cli.add_command(board_cli)


board_cli = AppGroup("board", help="The task board.")


@board_cli.command("purge-trash")
def purge_trash_command() -> None:
    """Delete for good the tasks in the trash for more than 30 days (every project)."""
    from workspace.extensions import db

    from .trash import purge_trash

    n = purge_trash()
    db.session.commit()
    click.echo(f"{n} task(s) deleted for good")


plugin = Plugin(
    name="board",
    title=_l("Tâches"),
    activity_types={
        "task": (_l("Tâches"), "kanban"),
        "column": (_l("Colonnes du tableau"), "kanban"),
        "board": (_l("Tableau des tâches"), "kanban"),
    },
    blueprint=bp,
    root_blueprint=root_bp,
    api=api_bp,
    permissions=[
        Permission("board.view", ALL_ROLES),
        Permission("board.edit", {"director"}, write=True),
        Permission("board.manage", {"coordinator"}, write=True),
    ],
    nav=[NavItem("board.index", _l("Tâches"), "board.view", icon="kanban", order=20)],
    commentables=[
        Commentable(
            "task",
            resolve=resolve_task,
            label=lambda task: task.title,
            url=task_url,
            permission="board.view",
            model=Task,
        )
    ],
    searchables=[
        Searchable(
            _l("Tâche"),
            Task,
            (Task.title, Task.description),
            label=lambda task: task.title,
            url=task_url,
            permission="board.view",
            icon="kanban",
            where=Task.archived.is_(False),
        )
    ],
    hooks={
        "admin_tabs": admin_tabs,
        "awaiting": awaiting,
        "calendar_entries": calendar_entries,
        "milestone_links": milestone_links,
        "my_projects_top": my_projects_top,
        "portfolio_facts": portfolio_facts,
        "project_form_fields": project_form_fields,
    },
    styles=["css/board.css"],
    scripts=["js/board.js", "js/board_search.js"],
    demo=demo,
    on_load=_on_load,
)
