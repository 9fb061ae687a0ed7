"""CSV export of the board for spreadsheet users: UTF-8 with BOM, ``;``, French dates."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from workspace.extensions import db
from workspace.models import area_label
from workspace.web.formats import spreadsheet_text as _cell

from .models import BoardColumn, Priority, Task
from .queries import CARD_OPTIONS, Filters, base_query, card_extras


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def board_csv(project, filters: Filters, today: date) -> str:
    """The filtered board as CSV text (BOM first so that Excel reads UTF-8)."""
    stmt = (
        base_query(project.id, filters, today)
        .join(BoardColumn, BoardColumn.id == Task.column_id)
        .options(*CARD_OPTIONS, joinedload(Task.column), selectinload(Task.subitems))
        .order_by(BoardColumn.position, Task.position)
    )
    tasks = list(db.session.scalars(stmt).unique())
    extras = card_extras(project, [t.id for t in tasks])
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Colonne"),
            _("Position"),
            _("Titre"),
            _("Domaine"),
            _("Organisation responsable"),
            _("Personnes assignées"),
            _("Priorité"),
            _("Début"),
            _("Échéance"),
            _("En retard"),
            _("Étiquettes"),
            _("Sous-tâches faites"),
            _("Commentaires"),
            _("Description"),
        ]
    )
    for t in tasks:
        done, total = extras.progress.get(t.id, (0, 0))
        writer.writerow(
            [
                t.column.name,
                t.position + 1,
                _cell(t.title),
                area_label(t.area),
                t.organisation.name if t.organisation else "",
                ", ".join(u.name for u in t.assignees),
                Priority(t.priority).label,
                _d(t.start_date),
                _d(t.due_date),
                _("oui") if t.overdue(today) else _("non"),
                ", ".join(lb.name for lb in t.labels),
                f"{done}/{total}" if total else "",
                extras.comments.get(t.id, 0),
                _cell(t.description),
            ]
        )
    return out.getvalue()
