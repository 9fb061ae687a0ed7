"""Board pages: the board, a column's cards, one card, the archive, the CSV export."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date

from flask import Blueprint, Response, abort, g, render_template, request
from flask_login import current_user

from workspace.cache import fragments
from workspace.extensions import db, htmx
from workspace.permissions import can, requires

from . import body, queries
from .body import card_context
from .cards import card_select, load_cards
from .export import board_csv
from .lookups import get_column, today
from .models import Task, column_part
from .panel import render_panel
from .queries import PAGE, Filters

bp = Blueprint("board", __name__, template_folder="templates")


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
    """The board's body for the viewer: see body.py."""
    editable = can(current_user, project, "board.edit")
    manage = can(current_user, project, "board.manage")
    return body.board_body(project, filters, editable, manage, today())


@bp.route("/columns/<int:column_id>")
@requires("board.view")
def column(project_id: int, column_id: int):
    """One column's cards (a live refresh, or the next page with ``offset``), reused while
    its cards are unchanged: after a change every connected client asks for it."""
    project = g.project
    revisions = fragments.parts(project.id)  # before any data is read
    col = get_column(project.id, column_id)
    filters = Filters.from_args(request.args)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    editable = can(current_user, project, "board.edit")
    day = today()
    if not offset:
        piece = body.columns(project, [col.id], filters, editable, day, revisions).get(col.id)
        if piece is None:
            abort(404)  # deleted while this request read it
        return piece[0]
    return fragments.cached(
        "board-column",
        project.id,
        (column_id, offset, editable, day, astuple(filters)),
        lambda: _render_more(project, col, filters, offset, editable, day),
        stamp=fragments.part_stamp(revisions, column_part(col.id)),
    )


def _render_more(project, col, filters, offset: int, editable, day) -> str:
    tasks = queries.column_page(col, filters, day, offset)
    return render_template(
        "board/_more.html",
        project=project,
        col=col,
        cards=tasks,
        offset=offset,
        shown=queries.column_counts(project.id, filters, day, column_ids=[col.id]).get(col.id, 0),
        filters=filters,
        lane=filters.organisation if filters.group == "org" else None,
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
