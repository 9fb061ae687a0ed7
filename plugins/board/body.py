"""The board's body, rendered in pieces that are reused until their own data changes.

A change on the board is most often one task's: moved, edited, commented. The body is
therefore kept as a *frame* (the filters bar, the actions, each column's section with its
quick-add form, the move dialog) and one fragment per *column* (its header with the counts and
its first cards), each stamped with its own revisions (``workspace/cache/revisions.py``):

- a column's fragment with the ``column:<id>`` part (renewed by a change of one of its tasks,
  a card arriving or leaving), the part ``other`` (any other change of the project: a label,
  a column, a member…) and the people's;
- the frame with ``other`` and the people's.

So after a move the page renders the two columns again (their unchanged cards from the card
cache, ``cards.py``), and reuses the frame and the other columns. The frame marks where each
column goes, and around the « empty board » note, with tokens that user text cannot hold.
The live refresh of a column (``views.column``) serves the very same fragment. Grouped by
organisation (lanes), the body is one piece stamped with the project's revision.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import astuple
from datetime import date

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from workspace.cache import fragments
from workspace.extensions import db
from workspace.models import Area

from . import queries
from .cards import CardRenderer
from .lookups import labels_of, members
from .models import BoardColumn, column_part
from .queries import PAGE, Filters
from .setup import ensure_columns

MARK = secrets.token_hex(12)  # per process, unguessable: no user text can hold it
COLUMN_AT = re.compile(rf"@{MARK}:(\d+)@")
EMPTY_NOTE = f"@{MARK}:empty@"  # on both sides of the « empty board » note
FEW = 2  # columns rendered with a query each (a move's two); more: all in one query


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


def board_body(project, filters: Filters, editable: bool, manage: bool, day: date) -> Markup:
    """The filters bar, the columns with their cards and the move dialog. The keys hold what
    else the HTML depends on: the viewer's rights, the filters and the day (a card becomes
    late)."""
    key = (editable, manage, day, astuple(filters))
    if filters.group == "org":
        return fragments.cached(
            "board", project.id, key, lambda: _render_lanes(project, filters, editable, day)
        )
    revisions = fragments.parts(project.id)  # before any data is read
    frame = fragments.cached(
        "board-frame",
        project.id,
        key,
        lambda: _render_frame(project, filters, editable),
        stamp=fragments.part_stamp(revisions, "frame"),  # no change is the frame's alone
    )
    top, note, rest = str(frame).split(EMPTY_NOTE)
    ids = [int(i) for i in COLUMN_AT.findall(rest)]
    pieces = columns(project, ids, filters, editable, day, revisions)
    empty = not any(total for _html, total in pieces.values())
    # A column deleted since the frame was stored is missing: its place stays empty.
    rest = COLUMN_AT.sub(lambda m: pieces.get(int(m.group(1)), ("", 0))[0], rest)
    return Markup(top + (note if empty else "") + rest)  # noqa: S704 - autoescaped pieces


def columns(project, ids, filters: Filters, editable: bool, day: date, revisions=None) -> dict:
    """``{column id: (HTML, number of tasks)}``: each column's first cards under its header,
    reused until a task of the column (or anything else than a task: ``other``) changes. A
    column of ``ids`` that no longer exists is left out."""
    if revisions is None:
        revisions = fragments.parts(project.id)  # before any data is read
    args = astuple(filters)
    slots = {
        i: fragments.slot("board-column", project.id, (i, 0, editable, day, args)) for i in ids
    }
    stamps = {i: fragments.part_stamp(revisions, column_part(i)) for i in ids}
    pieces = fragments.reuse_each(
        slots, stamps, lambda missing: _render_columns(project, missing, filters, editable, day)
    )
    return {i: (fragments.with_token(html), total) for i, (html, total) in pieces.items()}


def _render_columns(project, ids, filters: Filters, editable: bool, day: date) -> dict:
    wanted = set(ids)
    cols = [c for c in _columns(project) if c.id in wanted]
    if len(cols) <= FEW:  # after a change: an indexed, limited read of each column
        tasks = queries.first_cards_of(cols, filters, day) if cols else []
    else:  # the whole board: one read numbering each column's cards, whatever their number
        tasks = queries.first_cards(project.id, filters, day, lanes=False, column_ids=ids)
    by_column: dict = {}
    for t in tasks:
        by_column.setdefault(t.column_id, []).append(t)
    totals = queries.column_counts(project.id, None, day, column_ids=ids)
    if filters.active:
        shown = queries.column_counts(project.id, filters, day, column_ids=ids)
    else:
        shown = totals
    lane = filters.organisation if filters.group == "org" else None
    context = card_context(project, tasks, cols, editable, day)
    return {
        col.id: (
            render_template(
                "board/_column.html",
                project=project,
                col=col,
                cards=by_column.get(col.id, []),
                offset=0,
                total=totals.get(col.id, 0),
                shown=shown.get(col.id, 0),
                filters=filters,
                lane=lane,
                page_size=PAGE,
                **context,
            ),
            totals.get(col.id, 0),
        )
        for col in cols
    }


def _columns(project) -> list[BoardColumn]:
    columns = ensure_columns(project)
    if db.session.info.pop("board:new_columns", False):
        db.session.commit()  # the default columns, created on the first view
    return columns


def _frame_context(project) -> dict:
    people = members(project)
    labels = labels_of(project)
    return {
        "members": people,
        "labels": labels,
        "palette_orgs": {
            o.id: o for o in [*project.partners, *(u.organisation for u in people)]
        }.values(),
        "page_size": PAGE,
    }


def _render_frame(project, filters: Filters, editable: bool) -> str:
    return render_template(
        "board/_body.html",
        project=project,
        columns=_columns(project),
        column_at=lambda column_id: Markup(f"@{MARK}:{column_id:d}@"),  # noqa: S704 - digits
        empty_note=Markup(EMPTY_NOTE),  # noqa: S704 - a constant of hex digits
        filters=filters,
        lanes=None,
        editable=editable,
        **_frame_context(project),
    )


def _render_lanes(project, filters: Filters, editable: bool, day: date) -> str:
    cols = _columns(project)
    tasks = queries.first_cards(project.id, filters, day, lanes=True)
    by_column: dict = {}
    for t in tasks:
        by_column.setdefault((t.column_id, t.organisation_id), []).append(t)
    totals = queries.column_counts(project.id, None, day)
    return render_template(
        "board/_body.html",
        project=project,
        columns=cols,
        by_column=by_column,
        totals=totals,
        shown=queries.column_counts(project.id, filters, day, lanes=True),
        filters=filters,
        lanes=[*project.partners, None],
        **_frame_context(project),
        **card_context(project, tasks, cols, editable, day),
    )
