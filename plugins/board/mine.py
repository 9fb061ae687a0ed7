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
    tasks = my_tasks(current_user)
    by_project: dict = {}
    for t in tasks:
        by_project.setdefault(t.project, []).append(t)
    return render_template("board/mine.html", by_project=by_project, today=date.today())
