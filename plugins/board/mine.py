"""“Mes tâches”: the tasks assigned to me across all my projects (root blueprint)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .queries import my_tasks

root_bp = Blueprint("board_mine", __name__, template_folder="templates")


@root_bp.route("/my/tasks")
@login_required
def index():
    """Per project: the open tasks, overdue ones on top, then by due date (none last); the
    finished ones (in a « done » column) apart, folded."""
    today = date.today()
    by_project: dict = {}
    for t in my_tasks(current_user):
        open_, done = by_project.setdefault(t.project, ([], []))
        (done if t.column.done else open_).append(t)
    for open_, done in by_project.values():
        open_.sort(key=lambda t: (not t.overdue(today), t.due_date is None, t.due_date, t.title))
        done.sort(key=lambda t: t.title.lower())
    return render_template("board/mine.html", by_project=by_project, today=today)
