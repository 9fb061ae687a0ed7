"""Revisions: what lets a rendered page fragment be reused without ever being stale.

Two kinds of revision live in the ``cache_revision`` table, keyed by ``scope``:

- ``project:<id>``, one per project, for everything its members share (tasks, columns,
  labels, members, partners, comments, checklists, milestones…);
- ``people``, one for the whole site, for what every project shows of people and
  organisations (a name, an organisation, a colour).

A revision is a random number replaced **in the transaction that makes the change**, just
before it commits, so the new data and the new revision become visible together. Random rather
than counted: a database restored from a backup (or a test database emptied between tests)
brings back revisions that name exactly the data restored with them, never a number that
named other data in a process's cache. What bumps ``project:<id>``:

1. the flush of any object of a mapped class that has a ``project_id`` attribute (or of the
   :class:`~workspace.models.Project` itself, its partners included), found by the
   ``after_flush`` listener below; a class without ``project_id`` names the relationship that
   leads to its project in ``__revision_parent__`` (``"task"`` for a sub-item); a class whose
   rows belong to one person, not to the project (read markers, notifications, tokens), sets
   ``__revision__ = False``. ``tests/core/test_revisions.py`` checks that every mapped class
   is in one of these cases, so a new plugin model cannot be forgotten;
2. every :func:`workspace.events.publish` of the project (belt and braces: every domain
   change is published);
3. :func:`touch`, for a Core statement that bypasses the ORM (the board's position updates).

A project also has finer revisions, ``project:<id>:<part>``, for pages whose pieces change
separately (the board's columns: ``column:<column id>``). A class whose changes show in known
parts only says which with a ``__revision_parts__(self)`` method (followed through
``__revision_parent__`` as well); every other change of the project renews
``project:<id>:other``, which a piece stamped with parts reads too. So a task moved between two
columns renews the project, ``column:<a>`` and ``column:<b>``, and the board renders those two
columns again, not its other columns nor its frame (``plugins/board/views.py``). A comment (or
any object pointing at another by type and id) asks :data:`object_parts` for the parts of the
object it is attached to.

A :class:`~workspace.models.User` bumps ``people`` when its name, organisation, email or
status changes; an :class:`~workspace.models.Organisation`, on any change.

Readers (``workspace/cache/fragments.py``) read the revisions **before** the data they render: a
commit that lands in between gives data newer than the revisions, never older, so the
fragment stored under those revisions is at worst fresher than needed, never stale.
"""

from __future__ import annotations

import secrets
from itertools import chain

from sqlalchemy import BigInteger, Column, String, Table, event, inspect, select
from sqlalchemy.orm import Session, object_session

from workspace.extensions import db

PEOPLE = "people"
OTHER = "other"  # the part renewed by every change of a project not attributed to parts
PENDING = "revisions:pending"  # session.info key: scopes to bump when this transaction commits

revision_table = Table(
    "cache_revision",
    db.Model.metadata,
    Column("scope", String(60), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

#: User columns that other people see in a project (a password or a TOTP change is not one).
USER_SHOWN = ("name", "organisation_id", "email", "active")


def project_scope(project_id: int) -> str:
    return f"project:{project_id}"


def part_scope(project_id: int, part: str) -> str:
    return f"project:{project_id}:{part}"


#: ``{object type: function(object id, session) -> parts or None}``: the parts of its project
#: an object shows in, for the rows attached to it by type and id (a task's comments).
object_parts: dict = {}


def touch(project_id: int, *parts: str, session: Session | None = None) -> None:
    """Renew the project's revision, and those of ``parts``, when the current transaction
    commits (for writes the ORM does not see: Core ``update()`` statements)."""
    pending = _pending(session or db.session())
    pending.add(project_scope(project_id))
    pending.update(part_scope(project_id, part) for part in parts)


def current_parts(project_id: int) -> dict[str, int]:
    """``{part: revision}`` of every part of the project ever renewed (:data:`OTHER`
    included) and ``{PEOPLE: revision}``, as committed now, in one query on the key's range."""
    prefix = part_scope(project_id, "")
    scope = revision_table.c.scope
    rows = (
        db.session.connection()
        .execute(
            select(scope, revision_table.c.value).where(
                ((scope > prefix) & (scope < prefix[:-1] + ";")) | (scope == PEOPLE)
            )
        )
        .all()
    )
    return {name.removeprefix(prefix): value for name, value in rows}


def current(project_id: int) -> tuple[int, int]:
    """(project revision, people revision) as committed now; 0 for one never set."""
    project = project_scope(project_id)
    rows = dict(
        db.session.connection()
        .execute(
            select(revision_table.c.scope, revision_table.c.value).where(
                revision_table.c.scope.in_((project, PEOPLE))
            )
        )
        .all()
    )
    return rows.get(project, 0), rows.get(PEOPLE, 0)


def current_many(project_ids) -> dict[int, tuple[int, int]]:
    """:func:`current` of many projects, in one query."""
    scopes = {project_scope(pid): pid for pid in project_ids}
    rows = dict(
        db.session.connection()
        .execute(
            select(revision_table.c.scope, revision_table.c.value).where(
                revision_table.c.scope.in_([*scopes, PEOPLE])
            )
        )
        .all()
    )
    people = rows.get(PEOPLE, 0)
    return {pid: (rows.get(scope, 0), people) for scope, pid in scopes.items()}


def writes_pending(session: Session | None = None) -> bool:
    """Has the current transaction changed anything not yet committed? (Then a cached
    fragment would not show those changes: render afresh.)"""
    session = session or db.session()
    return bool(session.info.get(PENDING) or session.new or session.dirty or session.deleted)


def scopes_of(obj, modified: bool = True) -> set[str]:
    """The revision scopes a change of ``obj`` bumps (``modified``: False for a new or
    deleted object, whose every column counts)."""
    from workspace.models import Organisation, Project, User

    if isinstance(obj, User):
        if not modified or any(_changed(obj, name) for name in USER_SHOWN):
            return {PEOPLE}
        return set()
    if isinstance(obj, Organisation):
        return {PEOPLE}
    if isinstance(obj, Project):
        if obj.id is None:
            return set()
        return {project_scope(obj.id), part_scope(obj.id, OTHER)}
    project_id = project_of(obj)
    if project_id is None:
        return set()
    parts = parts_of(obj) or (OTHER,)
    return {project_scope(project_id), *(part_scope(project_id, part) for part in parts)}


def project_of(obj) -> int | None:
    """The project an object belongs to, following ``__revision_parent__`` links."""
    for _ in range(5):  # parent chains are short; a cycle would be a declaration bug
        if obj is None or getattr(type(obj), "__revision__", True) is False:
            return None
        project_id = getattr(obj, "project_id", None)
        if project_id is not None:
            return project_id
        parent = getattr(type(obj), "__revision_parent__", None)
        if parent is None:
            return None
        obj = _parent(obj, parent)
    return None


def parts_of(obj) -> set[str] | None:
    """The parts of its project a change of ``obj`` shows in, from the first
    ``__revision_parts__`` along its ``__revision_parent__`` chain; None: not known."""
    for _ in range(5):
        if obj is None:
            return None
        method = getattr(type(obj), "__revision_parts__", None)
        if method is not None:
            return method(obj)
        parent = getattr(type(obj), "__revision_parent__", None)
        if parent is None:
            return None
        obj = _parent(obj, parent)
    return None


def parts_of_object(object_type: str, object_id: int, session: Session) -> set[str] | None:
    """The parts the object ``(object_type, object_id)`` shows in (:data:`object_parts`)."""
    find = object_parts.get(object_type)
    return find(object_id, session) if find is not None else None


def _parent(obj, name: str):
    """``obj.<name>``, loaded through its foreign key when only the key was set (a new row's
    relationship is not loaded during the flush)."""
    value = getattr(obj, name, None)
    if value is not None:
        return value
    mapper = inspect(type(obj))
    relationship = mapper.relationships[name]
    (column,) = relationship.local_columns
    key = getattr(obj, mapper.get_property_by_column(column).key, None)
    session = object_session(obj)
    if key is None or session is None:
        return None
    return session.get(relationship.mapper.class_, key)


def _changed(obj, name: str) -> bool:
    return inspect(obj).attrs[name].history.has_changes()


def _pending(session: Session) -> set[str]:
    return session.info.setdefault(PENDING, set())


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context) -> None:
    # Still the pre-flush state here: new, dirty and deleted, with attribute history.
    scopes: set[str] = set()
    with session.no_autoflush:
        for obj in chain(session.new, session.deleted):
            scopes |= scopes_of(obj, modified=False)
        for obj in session.dirty:
            if session.is_modified(obj):
                scopes |= scopes_of(obj)
    if scopes:
        _pending(session).update(scopes)


#: Functions ``(session)`` the commit hook runs right after renewing the revisions. The
#: transaction then holds its projects' revision rows until it commits, so the writers of one
#: project run these one after the other, in the order they commit: the activity log chains
#: its entries there (``workspace/events.py``). The last lock a transaction takes, which
#: is why it cannot deadlock with the locks taken before.
in_commit_order: list = []


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    # SQLAlchemy flushes again after this hook: flush first so that those changes count.
    session.flush()
    scopes = session.info.pop(PENDING, None)
    if scopes:
        bump(session.connection(), scopes)
    for hook in in_commit_order:
        hook(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(PENDING, None)  # rolled back (a commit has popped them already)


def bump(connection, scopes) -> None:
    """Give ``scopes`` new random revisions (creating their rows), in sorted order so that
    two transactions never wait for each other's rows the other way round."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    rows = [{"scope": s, "value": secrets.randbits(62) + 1} for s in sorted(scopes)]
    stmt = insert(revision_table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[revision_table.c.scope], set_={"value": stmt.excluded.value}
    )
    connection.execute(stmt)
