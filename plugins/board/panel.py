"""The task's side panel: its context and HTML, the same whether the panel opens in the board
page (a shared link, a reload) or through htmx."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from workspace.extensions import db
from workspace.models import Activity
from workspace.plugins import call_hook

from .forms import TaskForm
from .lookups import assignable, labels_of, today
from .models import Task
from .operations import TRASH_DAYS
from .setup import columns_of


def milestone_choices(project) -> list[tuple[int, str]]:
    return [
        tuple(c) for choices in call_hook("milestone_choices", project=project) for c in choices
    ]


def task_form(project, task=None, formdata=None) -> TaskForm:
    kw = {"obj": task} if task is not None else {}
    form = TaskForm(
        formdata=formdata,
        members=assignable(project, task),
        partners=project.partners,
        labels=labels_of(project),
        milestones=milestone_choices(project),
        columns=columns_of(project),
        **kw,
    )
    if task is not None and formdata is None:
        form.assignees.data = [u.id for u in task.assignees]
        form.labels.data = [lb.id for lb in task.labels]
        form.area.data = task.area or ""
    return form


def history(task: Task) -> list[Activity]:
    return list(
        db.session.scalars(
            db.select(Activity)
            .filter_by(project_id=task.project_id, object_type="task", object_id=task.id)
            .order_by(Activity.id.desc())
            .limit(50)
        )
    )


def panel_context(project, task: Task, form=None) -> dict:
    done = sum(1 for s in task.subitems if s.done)
    return {
        "task": task,
        "form": form or task_form(project, task),
        "history": history(task),
        "progress": (done, len(task.subitems)),
        "milestones": dict(milestone_choices(project)),
        "today": today(),
        "trash_days": TRASH_DAYS,
    }


def render_panel(project, task: Task, form=None) -> Markup:
    """The task's side panel: the same HTML whether it opens in the page or through htmx."""
    html = render_template(
        "board/_panel.html", project=project, **panel_context(project, task, form)
    )
    return Markup(html)  # noqa: S704 - a template's autoescaped output
