"""Checklist operations: mutate, flush, publish. Views commit once; nothing here commits."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from workspace.events import publish
from workspace.extensions import db
from workspace.models import Project, utcnow

from . import catalog
from .models import JUSTIFICATION_MAX, Item, Section, Setup, Status


class ChecklistError(ValueError):
    """A refused change; the message is French (lazy) and meant for the person."""


def item_url(item: Item) -> str:
    try:
        return url_for("checklists.item", project_id=item.project_id, item_id=item.id)
    except RuntimeError:  # no request and no SERVER_NAME (CLI, demo)
        return f"/projects/{item.project_id}/checklists/items/{item.id}"


def setup_of(project: Project) -> Setup | None:
    return db.session.scalar(db.select(Setup).filter_by(project_id=project.id))


def apply_template(project: Project, actor, key: str) -> Setup:
    """Create the four checklists of ``project`` from the shipped template ``key``."""
    if setup_of(project) is not None:
        raise ChecklistError(_l("Les checklists de ce projet ont déjà été créées."))
    try:
        template = catalog.load(key)
    except KeyError:
        raise ChecklistError(_l("Modèle de checklist inconnu.")) from None
    setup = Setup(project_id=project.id, template=key, applied_by_id=getattr(actor, "id", None))
    db.session.add(setup)
    for n, ts in enumerate(template.sections):
        section = Section(
            project_id=project.id, area=ts.area, title=ts.title, title_en=ts.title_en, position=n
        )
        section.items = [
            Item(
                project_id=project.id,
                label=ti.label,
                label_en=ti.label_en,
                help=ti.help,
                agreement=ti.agreement,
                position=i,
            )
            for i, ti in enumerate(ts.items)
        ]
        db.session.add(section)
    db.session.flush()
    publish(
        "checklist:applied",
        project,
        actor,
        _l("a créé les checklists à partir du modèle « %(t)s »", t=template.title),
        object_id=setup.id,
        keys=["checklists"],
    )
    return setup


def check_status(status: str, justification: str) -> tuple[Status, str]:
    """The status and the justification to store, or :class:`ChecklistError`."""
    try:
        value = Status(status)
    except ValueError:
        raise ChecklistError(_l("Statut inconnu.")) from None
    justification = (justification or "").strip()
    if value is Status.NON_APPLICABLE and not justification:
        raise ChecklistError(_l("« Non applicable » demande une courte justification."))
    if len(justification) > JUSTIFICATION_MAX:
        raise ChecklistError(_l("%(max)d caractères au plus.", max=JUSTIFICATION_MAX))
    return value, justification if value is Status.NON_APPLICABLE else ""


def _touch(item: Item, actor) -> None:
    item.changed_at = utcnow()
    item.changed_by_id = actor.id


def _publish(item: Item, actor, type_: str, summary, extra_keys=()) -> None:
    publish(
        type_,
        db.session.get(Project, item.project_id),
        actor,
        summary,
        object_id=item.id,
        keys=[f"item:{item.id}", *extra_keys],
        data={"url": item_url(item), "status": item.status},
    )


def set_status(item: Item, actor, status: str, justification: str = "") -> None:
    """Change the status (``non_applicable`` needs a justification)."""
    value, justification = check_status(status, justification)
    item.status, item.justification = value.value, justification
    _touch(item, actor)
    db.session.flush()
    _publish(
        item,
        actor,
        "item:updated",
        _l("a passé « %(label)s » à « %(status)s »", label=item.label, status=value.label),
    )


EDITABLE = (
    "label",
    "help",
    "responsible_org_id",
    "responsible_id",
    "due_date",
    "evidence_url",
    "note",
    "milestone_id",
    "agreement",
)


def update_item(item: Item, actor, *, status: str, justification: str = "", **fields) -> None:
    """Edit an item's fields (see :data:`EDITABLE`) and status in one change."""
    value, justification = check_status(status, justification)
    if "label" in fields and fields["label"] != item.label:
        item.label_en = ""  # the template's translation no longer matches
    for name, val in fields.items():
        if name not in EDITABLE:
            raise TypeError(f"not editable: {name}")
        setattr(item, name, val)
    item.status, item.justification = value.value, justification
    _touch(item, actor)
    db.session.flush()
    _publish(item, actor, "item:updated", _l("a modifié « %(label)s »", label=item.label))


def attach_file(item: Item, stored) -> None:
    """Use an already stored upload (``workspace.web.uploads.store_upload``) as the evidence."""
    item.evidence_file_id = stored.id
    item.evidence_file = stored


def add_item(section: Section, actor, *, label: str, **fields) -> Item:
    last = max((i.position for i in section.items), default=-1)
    item = Item(project_id=section.project_id, label=label, position=last + 1, **fields)
    section.items.append(item)
    _touch(item, actor)
    db.session.flush()
    _publish(
        item,
        actor,
        "item:created",
        _l("a ajouté « %(label)s » à la checklist", label=label),
        [f"section:{section.id}"],
    )
    return item


def move_item(item: Item, actor, direction: str) -> bool:
    """Swap ``item`` with its neighbour ``up`` or ``down``; False when already at the edge."""
    items = list(item.section.items)
    i = items.index(item)
    j = i - 1 if direction == "up" else i + 1
    if direction not in ("up", "down") or not 0 <= j < len(items):
        return False
    items[i], items[j] = items[j], items[i]
    for pos, it in enumerate(items):
        it.position = pos
    db.session.flush()
    _publish(
        item,
        actor,
        "item:moved",
        _l("a déplacé « %(label)s » dans la checklist", label=item.label),
        [f"section:{item.section_id}"],
    )
    return True


def delete_item(item: Item, actor) -> None:
    section, label, item_id = item.section, item.label, item.id
    project = db.session.get(Project, item.project_id)
    section.items.remove(item)
    db.session.delete(item)
    db.session.flush()
    publish(
        "item:deleted",
        project,
        actor,
        _l("a retiré « %(label)s » de la checklist", label=label),
        object_id=item_id,
        keys=[f"item:{item_id}", f"section:{section.id}"],
        data={"url": _index_url(project, section.area)},
    )


def _index_url(project: Project, area: str) -> str:
    try:
        return url_for("checklists.index", project_id=project.id, area=area)
    except RuntimeError:
        return f"/projects/{project.id}/checklists/?area={area}"


def set_verified(item: Item, actor, verified: bool) -> None:
    """Set or clear "vérifié par le Pôle" (advisers only: the view checks the permission)."""
    if verified == (item.verified_at is not None):
        return
    item.verified_at = utcnow() if verified else None
    item.verified_by_id = actor.id if verified else None
    db.session.flush()
    if verified:
        summary = _l("a marqué « %(label)s » comme vérifié par le Pôle", label=item.label)
    else:
        summary = _l("a retiré la vérification du Pôle sur « %(label)s »", label=item.label)
    _publish(item, actor, "item:verified" if verified else "item:unverified", summary)
