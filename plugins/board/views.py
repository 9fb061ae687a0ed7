"""Board pages: the board, a column's cards, one card, the archive, the CSV export."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date

from flask import Blueprint, Response, abort, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workspace.cache import fragments
from workspace.extensions import db, htmx
from workspace.models import Area, Organisation
from workspace.permissions import can, requires

from . import queries
from .cards import CardRenderer, card_select, load_cards
from .export import board_csv
from .lookups import get_column, labels_of, members, today
from .models import Task
from .panel import render_panel
from .queries import PAGE, Filters
from .setup import ensure_columns

bp = Blueprint("board", __name__, template_folder="templates")


def card_context(project, tasks, columns, editable: bool, day: date) -> dict:
    """What every card needs, and ``render_cards``, which renders (or reuses) their HTML.
    Per-page constants (translated strings, the icon sprite, the card URL, the done columns)
    are computed once here, not once per card (see cards.py for the rest of the story).
    ``editable`` and ``day`` are those of the fragment's key, so the HTML matches its key."""
    card_url = url_for("board.card", project_id=project.id, task_id=0)
    context = {
        "today": day,
        "extras": queries.card_extras(project, [t.id for t in tasks]),
        "editable": editable,
        "done_columns": {c.id for c in columns if c.done},
        "cardtxt": {
            "sprite": url_for("static", filename="vendor/icons.svg"),
            "url": card_url.removesuffix("/0/card") + "/",
            "areas": {a.value: str(a.label) for a in Area},
            "urgent": _("Urgente"),
            "late": _("en retard"),
            "comment": _("commentaire"),  # the counter is 1 or more: 1 is singular everywhere
            "comments": _("commentaires"),
            "subtasks": _("Sous-tâches"),
            "move": _("Déplacer"),
        },
    }
    context["render_cards"] = CardRenderer(project.id, context)
    return context


@bp.route("/")
@requires("board.view")
def index(project_id: int):
    project = g.project
    filters = Filters.from_args(request.args)
    panel = None
    open_task = request.args.get("task", type=int)
    if open_task:
        task = db.session.get(Task, open_task)
        if task is not None and task.project_id == project.id and task.deleted_at is None:
            panel = render_panel(project, task)
    return render_template(
        "board/index.html", project=project, body=board_body(project, filters), panel=panel
    )


def board_body(project, filters: Filters):
    """The filters bar, the columns with their cards and the move dialog, reused while the
    project's data is unchanged (workspace/cache/fragments.py). The key holds what else the HTML
    depends on: the viewer's rights, the filters and the day (a card becomes late)."""
    editable = can(current_user, project, "board.edit")
    manage = can(current_user, project, "board.manage")
    day = today()
    key = (editable, manage, day, astuple(filters))
    return fragments.cached(
        "board", project.id, key, lambda: _render_body(project, filters, editable, day)
    )


def _render_body(project, filters: Filters, editable: bool, day: date) -> str:
    columns = ensure_columns(project)
    if db.session.info.pop("board:new_columns", False):
        db.session.commit()  # the default columns, created on the first view
    lanes = filters.group == "org"
    tasks = queries.first_cards(project.id, filters, day, lanes)
    by_column: dict = {}
    for t in tasks:
        key = (t.column_id, t.organisation_id) if lanes else t.column_id
        by_column.setdefault(key, []).append(t)
    people = members(project)
    totals = queries.column_counts(project.id, None, day)
    unfiltered = not filters.active and not lanes  # then shown == totals: one query less
    return render_template(
        "board/_body.html",
        project=project,
        columns=columns,
        by_column=by_column,
        totals=totals,
        shown=totals if unfiltered else queries.column_counts(project.id, filters, day, lanes),
        filters=filters,
        lanes=_lanes(project) if lanes else None,
        members=people,
        labels=labels_of(project),
        palette_orgs={
            o.id: o for o in [*project.partners, *(u.organisation for u in people)]
        }.values(),
        page_size=PAGE,
        **card_context(project, tasks, columns, editable, day),
    )


def _lanes(project) -> list[Organisation | None]:
    return [*project.partners, None]


@bp.route("/columns/<int:column_id>")
@requires("board.view")
def column(project_id: int, column_id: int):
    """One column's cards (a live refresh, or the next page with ``offset``), reused while
    the project's data is unchanged: after a change every connected client asks for it."""
    project = g.project
    filters = Filters.from_args(request.args)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    editable = can(current_user, project, "board.edit")
    day = today()
    key = (column_id, offset, editable, day, astuple(filters))
    return fragments.cached(
        "board-column",
        project.id,
        key,
        lambda: _render_column(project, column_id, filters, offset, editable, day),
    )


def _render_column(project, column_id: int, filters, offset: int, editable, day) -> str:
    col = get_column(project.id, column_id)
    tasks = queries.column_page(col, filters, day, offset)
    shown = queries.column_counts(project.id, filters, day).get(col.id, 0)
    lane = None
    if filters.group == "org":
        lane = filters.organisation
    template = "board/_more.html" if offset else "board/_column.html"
    return render_template(
        template,
        project=project,
        col=col,
        cards=tasks,
        offset=offset,
        total=queries.column_counts(project.id, None, day).get(col.id, 0),
        shown=shown,
        filters=filters,
        lane=lane,
        page_size=PAGE,
        **card_context(project, tasks, [col], editable, day),
    )


@bp.route("/tasks/<int:task_id>/card")
@requires("board.view")
def card(project_id: int, task_id: int):
    """One card (a live refresh after the task changed)."""
    project = g.project
    editable = can(current_user, project, "board.edit")
    day = today()
    return fragments.cached(
        "board-card",
        project.id,
        (task_id, editable, day),
        lambda: _render_card(project, task_id, editable, day),
    )


def _render_card(project, task_id: int, editable: bool, day: date) -> str:
    task = db.session.get(Task, task_id)
    if task is None or task.project_id != project.id:
        abort(404)
    if task.archived:
        return ""  # the card leaves the board (archived, or in the trash)
    cards = load_cards(card_select().where(Task.id == task.id))
    return card_context(project, cards, [task.column], editable, day)["render_cards"](cards)


@bp.route("/archive")
@requires("board.view")
def archive(project_id: int):
    tasks = db.session.scalars(
        db.select(Task)
        .filter_by(project_id=project_id, archived=True, deleted_at=None)
        .order_by(Task.archived_at.desc())
    ).all()
    return render_template("board/archive.html", project=g.project, tasks=tasks)


@bp.route("/export.csv")
@requires("board.view")
def export(project_id: int):
    project = g.project
    body = board_csv(project, Filters.from_args(request.args), today())
    name = f"taches-projet-{project.id}-{today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


def wants_fragment() -> bool:
    return bool(htmx)
