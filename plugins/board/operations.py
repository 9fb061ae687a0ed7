"""Board operations on tasks: mutate, flush, publish. Views commit once; nothing here commits."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from workspace.events import publish
from workspace.extensions import db
from workspace.models import Membership, utcnow

from .lookups import task_editors_clause
from .models import BoardColumn, Label, SubItem, Task
from .positions import Order, lock_columns, refresh_positions


class BoardError(ValueError):
    """A refused change; the message is French (lazy) and shown to the person."""


class WipExceeded(BoardError):
    """Moving in would exceed the column's WIP limit: ask the person to confirm."""


def task_url(task: Task) -> str:
    """The board with the task's panel open (also outside a request, e.g. the demo command)."""
    try:
        return url_for("board.index", project_id=task.project_id, task=task.id)
    except RuntimeError:
        return f"/projects/{task.project_id}/board/?task={task.id}"


def _publish(verb: str, task: Task, actor, summary, keys=(), **data) -> None:
    publish(
        f"task:{verb}",
        task.project,
        actor,
        summary,
        object_id=task.id,
        keys=[f"task:{task.id}", *keys],
        data={"url": task_url(task), **data},
    )


def member_ids(project) -> set[int]:
    return set(db.session.scalars(db.select(Membership.user_id).filter_by(project_id=project.id)))


def check_assignees(project, users, already=frozenset()) -> None:
    """Refuse non-members, and newcomers to the task who may not edit tasks (``already``
    assigned people stay: a role changed since is no reason to lose the assignment)."""
    members = member_ids(project)
    if any(u.id not in members for u in users):
        raise BoardError(_l("Une personne assignée n'est pas membre du projet."))
    new = [u for u in users if u.id not in already]
    if not new:
        return
    editors = set(
        db.session.scalars(
            db.select(Membership.user_id).where(
                Membership.project_id == project.id, task_editors_clause()
            )
        )
    )
    refused = next((u for u in new if u.id not in editors), None)
    if refused is not None:
        raise BoardError(
            _l(
                "Impossible d'assigner %(name)s : seuls les membres qui modifient les tâches "
                "du projet peuvent en être chargés.",
                name=refused.name,
            )
        )


def _assigned(task: Task, actor, new_ids: list[int]) -> None:
    if new_ids:
        _publish(
            "assigned",
            task,
            actor,
            _l("a assigné « %(title)s »", title=task.title),
            assignees=new_ids,
        )


def create_task(project, actor, column: BoardColumn, *, title: str, **fields) -> Task:
    """Add a task at the end of ``column``. ``fields`` may hold assignees and labels."""
    if column.project_id != project.id:
        raise BoardError(_l("Cette colonne n'appartient pas au projet."))
    assignees = fields.pop("assignees", [])
    labels = fields.pop("labels", [])
    check_assignees(project, assignees)
    lock_columns(project.id)
    order = Order(column.id)
    task = Task(
        project_id=project.id,
        column=column,
        position=len(order),
        title=title,
        created_by_id=actor.id,
        updated_by_id=actor.id,
        **fields,
    )
    task.assignees = list(assignees)
    task.labels = list(labels)
    db.session.add(task)
    db.session.flush()
    _publish(
        "created",
        task,
        actor,
        _l("a créé la tâche « %(title)s »", title=title),
        keys=[f"column:{column.id}"],
    )
    _assigned(task, actor, [u.id for u in assignees])
    return task


def update_task(task: Task, actor, **fields) -> Task:
    """Change a task's content (not its place). ``assignees``/``labels`` replace the lists."""
    assignees = fields.pop("assignees", None)
    labels = fields.pop("labels", None)
    before = {u.id for u in task.assignees}
    if assignees is not None:
        check_assignees(task.project, assignees, already=before)
        task.assignees = list(assignees)
    if labels is not None:
        task.labels = list(labels)
    for key, value in fields.items():
        setattr(task, key, value)
    task.updated_by_id = actor.id
    task.updated_at = utcnow()
    db.session.flush()
    _publish(
        "updated",
        task,
        actor,
        _l("a modifié la tâche « %(title)s »", title=task.title),
        keys=[f"column:{task.column_id}"],
    )
    _assigned(task, actor, [u.id for u in task.assignees if u.id not in before])
    return task


def move_task(task: Task, actor, column: BoardColumn, position: int, confirm=False) -> Task:
    """Put ``task`` at ``position`` (0-based) of ``column``, atomically.

    Raises :class:`BoardError` for a column of another project or a position out of range,
    :class:`WipExceeded` when entering a full column without ``confirm``.
    """
    if column.project_id != task.project_id:
        raise BoardError(_l("Cette colonne n'appartient pas au projet."))
    if task.archived:
        raise BoardError(_l("Une tâche archivée ne peut pas être déplacée."))
    lock_columns(task.project_id)
    refresh_positions(task)  # another move may have committed while we waited
    old_id = task.column_id
    source = Order(old_id)
    target = source if old_id == column.id else Order(column.id)
    if task.id in source:
        source.remove(task.id)
    if not 0 <= position <= len(target):
        raise BoardError(_l("Position hors limites : entre 1 et %(n)d.", n=len(target) + 1))
    entering = old_id != column.id
    if entering and column.wip_limit and len(target) >= column.wip_limit and not confirm:
        raise WipExceeded(
            _l(
                "La colonne « %(name)s » a atteint sa limite de %(n)d tâches en cours. "
                "Confirmez pour la dépasser.",
                name=column.name,
                n=column.wip_limit,
            )
        )
    target.insert(position, task.id)
    if entering:
        source.write()
    target.write()
    refresh_positions(task)
    _publish(
        "moved",
        task,
        actor,
        _l("a déplacé « %(title)s » vers %(column)s", title=task.title, column=column.name),
        keys=[f"column:{old_id}", f"column:{column.id}"],
        column=column.id,
        position=position,
    )
    return task


def archive_task(task: Task, actor) -> None:
    lock_columns(task.project_id)
    refresh_positions(task)
    order = Order(task.column_id)
    task.archived = True
    task.archived_at = utcnow()
    db.session.flush()
    if task.id in order:
        order.remove(task.id)
    order.write()
    _publish(
        "archived",
        task,
        actor,
        _l("a archivé la tâche « %(title)s »", title=task.title),
        keys=[f"column:{task.column_id}"],
    )


def restore_task(task: Task, actor, summary=None) -> None:
    """Bring an archived task back, at the end of its column."""
    lock_columns(task.project_id)
    order = Order(task.column_id)
    task.archived = False
    task.archived_at = None
    task.position = len(order)
    db.session.flush()
    _publish(
        "restored",
        task,
        actor,
        summary or _l("a restauré la tâche « %(title)s »", title=task.title),
        keys=[f"column:{task.column_id}"],
    )


TRASH_DAYS = 30  # a deleted task can be restored this long (Nextcloud Deck does the same)


def delete_task(task: Task, actor) -> None:
    """Put the task in the trash (coordinators): off the board and the archive, restorable for
    :data:`TRASH_DAYS` days, then deleted for good by :func:`purge_trash`."""
    lock_columns(task.project_id)
    refresh_positions(task)
    order = Order(task.column_id)
    task.archived = True  # so that no board, search or feed query sees it
    task.archived_at = task.archived_at or utcnow()
    task.deleted_at = utcnow()
    task.deleted_by_id = actor.id
    db.session.flush()
    if task.id in order:
        order.remove(task.id)
    order.write()
    _publish(
        "deleted",
        task,
        actor,
        _l("a mis la tâche « %(title)s » à la corbeille", title=task.title),
        keys=[f"column:{task.column_id}"],
    )


def add_subitem(task: Task, actor, title: str) -> SubItem:
    item = SubItem(task=task, title=title, position=len(task.subitems))
    db.session.add(item)
    touched(task, actor, _l("a ajouté « %(item)s » à « %(title)s »", item=title, title=task.title))
    return item


def toggle_subitem(item: SubItem, actor, done: bool) -> None:
    item.done = done
    task = item.task
    if done:
        summary = _l("a coché « %(item)s » dans « %(title)s »", item=item.title, title=task.title)
    else:
        summary = _l("a décoché « %(item)s » dans « %(title)s »", item=item.title, title=task.title)
    touched(task, actor, summary)


def delete_subitem(item: SubItem, actor) -> None:
    task = item.task
    task.subitems.remove(item)
    touched(
        task, actor, _l("a retiré « %(item)s » de « %(title)s »", item=item.title, title=task.title)
    )


def touched(task: Task, actor, summary) -> None:
    """Publish a change of the task's sub-items or attachments (``task:updated``)."""
    # Sub-items are rows of their own: the task's version is left alone, so that ticking a
    # box does not turn someone's open edit of the task into a conflict.
    db.session.flush()
    _publish("updated", task, actor, summary, keys=[f"column:{task.column_id}"])


def labels_by_id(project, ids) -> list[Label]:
    """The project's labels among ``ids``; unknown ids raise."""
    ids = {int(i) for i in ids}
    found = db.session.scalars(
        db.select(Label).where(Label.project_id == project.id, Label.id.in_(ids))
    ).all()
    if len(found) != len(ids):
        raise BoardError(_l("Étiquette inconnue."))
    return list(found)
