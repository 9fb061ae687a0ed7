"""Reading the board: filters from the URL and a bounded number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from workspace.extensions import db
from workspace.models import Area, User
from workspace.plugins import call_hook

from .cards import Card, card_select, load_cards
from .models import BoardColumn, Label, SubItem, Task

PAGE = 100  # cards rendered per column before "Afficher plus"
SOON_DAYS = 7


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Filters:
    """The board's filters, read from and written to the query string (shareable links).
    Malformed values are ignored rather than refused: a filter is a view, not a change."""

    assignee: int | None = None
    organisation: int | str | None = None  # an id or "none"
    area: str | None = None
    label: int | None = None
    due: str | None = None  # "soon" | "overdue"
    q: str = ""
    group: str | None = None  # "org": swimlanes by partner organisation

    @classmethod
    def from_args(cls, args) -> Filters:
        org = args.get("organisation", "")
        return cls(
            assignee=_int(args.get("assignee")),
            organisation="none" if org == "none" else _int(org),
            area=args.get("area") if args.get("area") in {a.value for a in Area} else None,
            label=_int(args.get("label")),
            due=args.get("due") if args.get("due") in ("soon", "overdue") else None,
            q=(args.get("q") or "").strip()[:100],
            group="org" if args.get("group") == "org" else None,
        )

    def args(self, **override) -> dict:
        """Non-empty values for url_for (``override`` replaces some)."""
        values = {
            "assignee": self.assignee,
            "organisation": self.organisation,
            "area": self.area,
            "label": self.label,
            "due": self.due,
            "q": self.q,
            "group": self.group,
        }
        values.update(override)
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.args(group=None))

    def apply(self, stmt, project_id: int, today: date):
        if self.assignee:
            stmt = stmt.where(Task.assignees.any(User.id == self.assignee))
        if self.organisation == "none":
            stmt = stmt.where(Task.organisation_id.is_(None))
        elif self.organisation:
            stmt = stmt.where(Task.organisation_id == self.organisation)
        if self.area:
            stmt = stmt.where(Task.area == self.area)
        if self.label:
            stmt = stmt.where(Task.labels.any(Label.id == self.label))
        if self.due:
            open_columns = select(BoardColumn.id).where(
                BoardColumn.project_id == project_id, BoardColumn.done.is_(False)
            )
            stmt = stmt.where(Task.column_id.in_(open_columns), Task.due_date.is_not(None))
            if self.due == "overdue":
                stmt = stmt.where(Task.due_date < today)
            else:
                stmt = stmt.where(Task.due_date.between(today, today + timedelta(days=SOON_DAYS)))
        if self.q:
            stmt = stmt.where(func.lower(Task.title).contains(self.q.lower(), autoescape=True))
        return stmt


CARD_OPTIONS = (
    selectinload(Task.assignees),
    selectinload(Task.labels),
    joinedload(Task.organisation),
)


@dataclass
class CardExtras:
    """Per-task figures computed in one query each: comments and sub-item progress."""

    comments: dict[int, int] = field(default_factory=dict)
    progress: dict[int, tuple[int, int]] = field(default_factory=dict)


def card_extras(project, task_ids: list[int]) -> CardExtras:
    extras = CardExtras()
    for counts in call_hook("comment_counts", project=project, object_type="task"):
        for key, n in counts.items():
            extras.comments[int(key)] = extras.comments.get(int(key), 0) + int(n)
    if task_ids:
        rows = db.session.execute(
            select(SubItem.task_id, func.count(), func.sum(SubItem.done.cast(db.Integer)))
            .where(SubItem.task_id.in_(task_ids))
            .group_by(SubItem.task_id)
        ).all()
        extras.progress = {r[0]: (int(r[2] or 0), r[1]) for r in rows}
    return extras


def base_query(project_id: int, filters: Filters, today: date):
    stmt = select(Task).where(Task.project_id == project_id, Task.archived.is_(False))
    return filters.apply(stmt, project_id, today)


def first_cards(
    project_id: int, filters: Filters, today: date, lanes: bool, column_ids=None
) -> list[Card]:
    """The first PAGE cards of each column (of each lane; of ``column_ids`` only if given),
    in one query plus eager loads."""
    partition = [Task.column_id, Task.organisation_id] if lanes else [Task.column_id]
    rn = func.row_number().over(partition_by=partition, order_by=(Task.position, Task.id))
    stmt = select(Task.id.label("id"), rn.label("rn")).where(
        Task.project_id == project_id, Task.archived.is_(False)
    )
    if column_ids is not None:
        stmt = stmt.where(Task.column_id.in_(list(column_ids)))
    inner = filters.apply(stmt, project_id, today).subquery()
    ids = select(inner.c.id).where(inner.c.rn <= PAGE)
    return load_cards(
        card_select().where(Task.id.in_(ids)).order_by(Task.column_id, Task.position, Task.id)
    )


def column_counts(
    project_id: int, filters: Filters | None, today: date, lanes=False, column_ids=None
) -> dict:
    """{column_id: n} (or {(column_id, org_id): n} for lanes) of active tasks (of the
    columns ``column_ids`` only, if given)."""
    keys = [Task.column_id, Task.organisation_id] if lanes else [Task.column_id]
    stmt = select(*keys, func.count()).where(
        Task.project_id == project_id, Task.archived.is_(False)
    )
    if column_ids is not None:
        stmt = stmt.where(Task.column_id.in_(list(column_ids)))
    if filters is not None:
        stmt = filters.apply(stmt, project_id, today)
    rows = db.session.execute(stmt.group_by(*keys)).all()
    return {(tuple(r[:-1]) if lanes else r[0]): r[-1] for r in rows}


def _in_column(stmt, column: BoardColumn, filters: Filters, today: date):
    """``stmt`` narrowed to the column's active tasks that pass ``filters``, in their order."""
    stmt = stmt.where(
        Task.project_id == column.project_id,
        Task.archived.is_(False),
        Task.column_id == column.id,
    )
    return filters.apply(stmt, column.project_id, today).order_by(Task.position, Task.id)


def column_page(column: BoardColumn, filters: Filters, today: date, offset: int) -> list[Card]:
    stmt = _in_column(card_select(), column, filters, today)
    return load_cards(stmt.offset(offset).limit(PAGE))


def first_cards_of(columns: list[BoardColumn], filters: Filters, today: date) -> list[Card]:
    """The first PAGE cards of a few columns (a move's two), in three queries: each column's
    first ids by its position index, joined in one statement, rather than numbering every
    card of the columns as :func:`first_cards` does for the whole board."""
    heads = []
    for column in columns:
        head = _in_column(select(Task.id), column, filters, today).limit(PAGE).subquery()
        heads.append(select(head.c.id))
    ids = union_all(*heads) if len(heads) > 1 else heads[0]
    return load_cards(
        card_select().where(Task.id.in_(ids)).order_by(Task.column_id, Task.position, Task.id),
        by_list=True,
    )


def my_tasks(user) -> list[Task]:
    """Active tasks assigned to ``user`` in the projects they are a member of."""
    from workspace.models import Membership

    mine = select(Membership.project_id).where(Membership.user_id == user.id)
    stmt = (
        select(Task)
        .where(
            Task.archived.is_(False),
            Task.project_id.in_(mine),
            Task.assignees.any(User.id == user.id),
        )
        .options(joinedload(Task.project), joinedload(Task.column), *CARD_OPTIONS)
        .order_by(Task.due_date.is_(None), Task.due_date, Task.title)
    )
    return list(db.session.scalars(stmt).unique())
