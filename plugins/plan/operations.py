"""Plan operations: mutate, flush, publish (views and socket handlers commit once).

Events: ``plan:started``, ``plan:section_added|renamed|moved|deleted``, ``plan:edited``
(coalesced: one per person and section every :data:`EDIT_LOG_EVERY`), and the review steps
``plan:review_requested|validated|returned|reopened``; keys ``plan`` and ``plan:<section id>``.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from workspace.events import publish
from workspace.extensions import db
from workspace.models import Activity, Project, User, utcnow

from . import catalog, crdt, render
from .models import PlanContent, PlanSection, Status

EDIT_LOG_EVERY = timedelta(minutes=15)
#: status → {action: (new status, permission, event verb)}
TRANSITIONS = {
    Status.DRAFT.value: {"request_review": (Status.REVIEW.value, "plan.edit", "review_requested")},
    Status.REVIEW.value: {
        "validate": (Status.VALIDATED.value, "plan.review", "validated"),
        "return": (Status.DRAFT.value, "plan.review", "returned"),
    },
    Status.VALIDATED.value: {"reopen": (Status.DRAFT.value, "plan.edit", "reopened")},
}
SUMMARIES = {
    "review_requested": lambda t: _l("a demandé la relecture de la section « %(t)s »", t=t),
    "validated": lambda t: _l("a validé la section « %(t)s »", t=t),
    "returned": lambda t: _l("a renvoyé en brouillon la section « %(t)s »", t=t),
    "reopened": lambda t: _l("a rouvert la section « %(t)s »", t=t),
}


def section_url(section: PlanSection) -> str:
    """The section's page; a plain path, so that it is built outside a request too (demo)."""
    return f"/projects/{section.project_id}/plan/sections/{section.id}"


def sections_of(project_id: int) -> list[PlanSection]:
    return list(
        db.session.scalars(
            db.select(PlanSection)
            .filter_by(project_id=project_id)
            .options(selectinload(PlanSection.content).joinedload(PlanContent.edited_by))
            .order_by(PlanSection.position, PlanSection.id)
        )
    )


def _publish(verb: str, project: Project, actor, summary, section: PlanSection | None) -> None:
    keys = ["plan"] + ([f"plan:{section.id}"] if section else [])
    publish(
        f"plan:{verb}",
        project,
        actor,
        summary,
        object_id=section.id if section else None,
        keys=keys,
        data={"url": section_url(section) if section else ""},
    )


def start_plan(project: Project, actor) -> list[PlanSection]:
    """Create the plan's sections from the template of the project's cooperation form."""
    if sections_of(project.id):
        return sections_of(project.id)
    made = []
    for n, t in enumerate(catalog.for_form(project.form), start=1):
        section = PlanSection(
            project_id=project.id,
            position=n,
            title=t.title,
            title_en=t.title_en,
            hint=t.hint,
            hint_en=t.hint_en,
        )
        section.content = PlanContent(state=b"", last_update_id=0)
        db.session.add(section)
        made.append(section)
    db.session.flush()
    _publish("started", project, actor, _l("a démarré le plan de projet"), None)
    return made


def add_section(project: Project, actor, title: str, hint: str = "") -> PlanSection:
    last = db.session.scalar(
        db.select(db.func.max(PlanSection.position)).filter_by(project_id=project.id)
    )
    section = PlanSection(project_id=project.id, position=(last or 0) + 1, title=title, hint=hint)
    section.content = PlanContent(state=b"", last_update_id=0)
    db.session.add(section)
    db.session.flush()
    _publish("section_added", project, actor, _l("a ajouté la section « %(t)s »", t=title), section)
    return section


def rename_section(section: PlanSection, actor, title: str, hint: str) -> None:
    if (title, hint) == (section.title, section.hint):
        return
    old = section.title
    section.title, section.hint = title, hint
    section.title_en = section.hint_en = ""  # the template's translation no longer matches
    db.session.flush()
    summary = _l("a renommé la section « %(old)s » en « %(new)s »", old=old, new=title)
    _publish("section_renamed", section_project(section), actor, summary, section)


def move_section(section: PlanSection, actor, offset: int) -> bool:
    """Move one place up (-1) or down (+1); False at either end."""
    ordered = sections_of(section.project_id)
    i = ordered.index(section)
    j = i + offset
    if not 0 <= j < len(ordered):
        return False
    ordered[i], ordered[j] = ordered[j], ordered[i]
    for n, s in enumerate(ordered, start=1):
        s.position = n
    db.session.flush()
    summary = _l("a déplacé la section « %(t)s »", t=section.title)
    _publish("section_moved", section_project(section), actor, summary, section)
    return True


def delete_section(section: PlanSection, actor) -> None:
    """Delete an empty section (one with text cannot be deleted: nothing is lost)."""
    if current_text(section).strip():
        raise ValueError("section has text")
    project, title = section_project(section), section.title
    crdt.forget(section.id)
    db.session.delete(section)
    db.session.flush()
    _publish(
        "section_deleted", project, actor, _l("a supprimé la section « %(t)s »", t=title), None
    )


def allowed_actions(section: PlanSection, can_do) -> list[str]:
    """The review actions ``can_do(permission)`` allows on the section now."""
    return [
        action
        for action, (_new, permission, _verb) in TRANSITIONS.get(section.status, {}).items()
        if can_do(permission)
    ]


def change_status(section: PlanSection, actor, action: str) -> None:
    new, _permission, verb = TRANSITIONS[section.status][action]
    if action == "validate":
        crdt.save_point(section.id, None)  # the validated text is the stored one
    section.status = new
    db.session.flush()
    summary = SUMMARIES[verb](section.title)
    _publish(verb, section_project(section), actor, summary, section)


def record_edit(section: PlanSection, actor) -> None:
    """Log ``plan:edited`` once per person and section every :data:`EDIT_LOG_EVERY`.

    Called on every keystroke batch: a per-process note of the last entry spares the query
    while it is recent (another process may have logged since: the query decides then)."""
    key, now = (section.id, actor.id), utcnow()
    if _noted_recently(key, now):
        return
    recent = db.session.scalar(
        db.select(Activity.created_at)
        .filter_by(project_id=section.project_id, verb="plan:edited", object_id=section.id)
        .where(Activity.actor_id == actor.id, Activity.created_at > now - EDIT_LOG_EVERY)
        .order_by(Activity.id.desc())
        .limit(1)
    )
    if recent is not None:
        _logged[key] = recent
        return
    crdt.save_point(section.id, actor.id)
    summary = _l("a modifié la section « %(t)s »", t=section.title)
    _publish("edited", section_project(section), actor, summary, section)
    _logged[key] = now


def record_edit_of(section_id: int, user_id: int) -> None:
    """:func:`record_edit` from ids: the section and the person are read only when an entry
    may be due (the live updates' writer, ``batch.py``, knows only ids)."""
    if _noted_recently((section_id, user_id), utcnow()):
        return
    section, actor = db.session.get(PlanSection, section_id), db.session.get(User, user_id)
    if section is not None and actor is not None:
        record_edit(section, actor)


def _noted_recently(key: tuple[int, int], now) -> bool:
    if len(_logged) > 10_000:
        _logged.clear()  # a note is only a shortcut: the query decides
    noted = _logged.get(key)
    return noted is not None and now - noted < EDIT_LOG_EVERY


#: (section id, user id) → when this process last saw a ``plan:edited`` entry for them.
_logged: dict[tuple[int, int], object] = {}


def forget_plan_state() -> None:
    """Drop what this process keeps between requests (documents, edit log notes): tests call
    it when the database is emptied and ids start again."""
    crdt.forget()
    _logged.clear()


def current_text(section: PlanSection) -> str:
    return render.to_text(crdt.current_blocks(section.id))


def section_project(section: PlanSection) -> Project:
    return db.session.get(Project, section.project_id)
