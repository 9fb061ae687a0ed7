"""Board cards, fast: plain rows instead of ORM objects, and each card's HTML memoised.

The board shows up to 100 cards per column (400 on the demo-sized board), and loading them as
ORM entities with their relationships, then rendering one template per card, was most of the
page's time (profile: bench/profile_page.py). Two things make it cheap:

- :func:`load_cards` reads the card fields with three Core queries (the tasks with their
  organisation's name, then the assignees and the labels of those tasks) into slotted
  :class:`Card` objects, which the card template reads exactly as it read a ``Task``.
- :class:`CardRenderer` renders ``board/_card.html`` once per distinct card: the cache key is
  everything the card's HTML depends on (the card's fields, its comment count and sub-item
  progress, whether it is late, the page-level texts and flags, the locale). The HTML is a pure
  function of that key, so a cached card can never be stale: any change to the task, a label's
  name, an assignee's name or the day it becomes late gives another key. Its position is the
  one field left out: moving a card to the top of a column shifts every card below it, so the
  position (``data-pos``) is written into the cached HTML for each card instead, and a move
  renders one card again, not a hundred.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from threading import Lock
from typing import NamedTuple

from flask import current_app, render_template
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import select

from workspace.extensions import db
from workspace.models import Organisation, User

from .models import Label, Task, task_assignee, task_label


class Named(NamedTuple):
    """An organisation or a label on a card: its id and name."""

    id: int
    name: str


class Person(NamedTuple):
    """An assignee on a card."""

    id: int
    name: str
    organisation_id: int | None

    @property
    def initials(self) -> str:
        return User.initials.fget(self)


class Card(NamedTuple):
    """What a card shows; attribute names are those of :class:`Task` for the template.

    A tuple of values (its organisation, assignees and labels are tuples too): the card is
    its own cache key, hashed and compared in C, and a field added here is in the key."""

    id: int
    title: str
    area: str | None
    priority: str
    position: int
    column_id: int
    due_date: date | None
    organisation_id: int | None
    organisation: Named | None
    assignees: tuple[Person, ...]
    labels: tuple[Named, ...]


CARD_COLUMNS = (
    Task.id,
    Task.title,
    Task.area,
    Task.priority,
    Task.position,
    Task.column_id,
    Task.due_date,
    Task.organisation_id,
    Organisation.name,
)


def card_select():
    """The statement :func:`load_cards` runs; add ``where``, ``order_by``, ``limit``."""
    return select(*CARD_COLUMNS).outerjoin(Organisation, Organisation.id == Task.organisation_id)


def load_cards(stmt, by_list: bool = False) -> list[Card]:
    """The cards of a :func:`card_select` statement, in its order: three queries whatever
    their number (the card fields, then every card's assignees, then its labels).

    The queries run on the session's connection (Core rows, no ORM result machinery), and the
    assignees and labels select their tasks with the cards' statement as a subquery rather
    than a list of 500 bound ids (half the time on SQLite and PostgreSQL). ``by_list``: with
    the list of the cards' ids instead, for a statement that is dearer to run again than its
    ids are to send (a few columns' heads joined: 1 ms a query on PostgreSQL instead of 3)."""
    conn = db.session.connection()
    rows = conn.execute(stmt).all()
    if not rows:
        return []
    if by_list:
        ids = [r[0] for r in rows]
    else:
        ids = select(stmt.with_only_columns(Task.id).subquery().c.id)
    people: dict[int, list] = {}
    for task_id, *person in conn.execute(
        select(task_assignee.c.task_id, User.id, User.name, User.organisation_id)
        .join(User, User.id == task_assignee.c.user_id)
        .where(task_assignee.c.task_id.in_(ids))
        .order_by(User.name, User.id)
    ).all():
        people.setdefault(task_id, []).append(Person(*person))
    labels: dict[int, list] = {}
    for task_id, *label in conn.execute(
        select(task_label.c.task_id, Label.id, Label.name)
        .join(Label, Label.id == task_label.c.label_id)
        .where(task_label.c.task_id.in_(ids))
        .order_by(Label.name, Label.id)
    ).all():
        labels.setdefault(task_id, []).append(Named(*label))
    none = ()
    return [
        Card(
            *r[:8],
            Named(r[7], r[8]) if r[7] is not None else None,
            tuple(people.get(r[0], none)),
            tuple(labels.get(r[0], none)),
        )
        for r in rows
    ]


class CardCache:
    """A bounded map from a card's key to its HTML (least recently used out first).

    One per process; the size comes from the ``BOARD_CARD_CACHE`` setting (0 turns it off).
    """

    def __init__(self) -> None:
        self._items: OrderedDict = OrderedDict()
        self._lock = Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return html

    def put(self, key, html, size: int) -> None:
        with self._lock:
            self._items[key] = html
            while len(self._items) > size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


cache = CardCache()


POSITION = "@position@"  # in an attribute of the template: user text cannot produce it there
POSITION_ATTR = f'data-pos="{POSITION}"'


class CardRenderer:
    """Renders cards for one request: ``context`` holds the page-level values the card
    template reads (``today``, ``extras``, ``editable``, ``done_columns``, ``cardtxt``)."""

    def __init__(self, project_id: int, context: dict) -> None:
        self.context = context
        self.size = int(current_app.config.get("BOARD_CARD_CACHE") or 0)
        txt = context["cardtxt"]
        self.page_key = (
            str(get_locale()),
            project_id,
            bool(context["editable"]),
            tuple(sorted((k, v) for k, v in txt.items() if k != "areas")),
            tuple(sorted(txt["areas"].items())),
        )

    def one(self, card: Card) -> Markup:
        ctx = self.context
        extras = ctx["extras"]
        late = bool(
            card.due_date
            and card.due_date < ctx["today"]
            and card.column_id not in ctx["done_columns"]
        )
        anywhere = card._replace(position=POSITION)
        key = (
            self.page_key,
            anywhere,
            late,
            extras.comments.get(card.id, 0),
            extras.progress.get(card.id),
        )
        html = cache.get(key) if self.size else None
        if html is None:
            html = render_template("board/_card.html", task=anywhere, **ctx)
            if self.size:
                cache.put(key, html, self.size)
        # An autoescaped template's output, with a number put in one attribute: safe.
        return Markup(html.replace(POSITION_ATTR, f'data-pos="{card.position}"', 1))  # noqa: S704

    def __call__(self, cards) -> Markup:
        """Every card's HTML, joined (the template calls ``render_cards(cards)``)."""
        return Markup("\n").join(self.one(card) for card in cards)
