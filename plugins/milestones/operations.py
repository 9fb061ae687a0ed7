"""Milestone operations: mutate, flush, publish. Views check permissions and commit."""

from __future__ import annotations

import hashlib
import secrets

from flask import url_for
from flask_babel import lazy_gettext as _l

from workspace import operations as core_ops
from workspace.events import publish
from workspace.extensions import db
from workspace.models import Stage, utcnow
from workspace.web.uploads import store_upload

from .models import (
    Decision,
    Milestone,
    MilestoneCalendarToken,
    MilestoneEvidence,
    MilestoneReview,
    Status,
)
from .workflow import ACTIONS, allowed

REASON_MAX = 5000


class InvalidInput(ValueError):
    """Missing or wrong input; the message is French (400)."""


class WrongState(ValueError):
    """The workflow does not allow this action in the milestone's current status (409)."""


def _url(endpoint: str, fallback: str, **values) -> str:
    """``url_for`` in a request; a plain path otherwise (e.g. the demo command)."""
    try:
        return url_for(endpoint, **values)
    except RuntimeError:
        return fallback


def milestone_url(m: Milestone) -> str:
    return _url(
        "milestones.detail",
        f"/projects/{m.project_id}/milestones/{m.id}",
        project_id=m.project_id,
        milestone_id=m.id,
    )


def index_url(project_id: int, endpoint: str = "milestones.index", tail: str = "") -> str:
    return _url(endpoint, f"/projects/{project_id}/milestones/{tail}", project_id=project_id)


def _check_state(m: Milestone, action: str) -> None:
    if not allowed(action, m.status):
        raise WrongState(
            _l(
                "Action impossible : le jalon est « %(status)s ».",
                status=m.status_enum.label,
            )
        )


def _publish(verb: str, m: Milestone, actor, summary, detail: str = "") -> None:
    """``detail``: what the adviser wrote with a decision (the notifications quote it)."""
    publish(
        f"milestone:{verb}",
        _project(m),
        actor,
        summary,
        object_id=m.id,
        keys=[f"milestone:{m.id}", "milestones"],
        data={"url": milestone_url(m), "status": m.status, "detail": detail},
    )


def _project(m: Milestone):
    from workspace.models import Project

    return db.session.get(Project, m.project_id)


FIELDS = (
    "title",
    "description",
    "area",
    "planned_date",
    "closes_stage",
    "deliverables",
    "is_agreement",
)


def create_milestone(project, actor, **fields) -> Milestone:
    m = Milestone(project_id=project.id, created_by_id=actor.id, **_clean(fields))
    db.session.add(m)
    db.session.flush()
    _publish("created", m, actor, _l("a créé le jalon « %(title)s »", title=m.title))
    return m


def update_milestone(m: Milestone, actor, **fields) -> Milestone:
    _check_state(m, "edit")
    for key, value in _clean(fields).items():
        setattr(m, key, value)
    db.session.flush()
    _publish("updated", m, actor, _l("a modifié le jalon « %(title)s »", title=m.title))
    return m


def delete_milestone(m: Milestone, actor) -> None:
    """Only a milestone never submitted can be deleted (review records are kept forever)."""
    _check_state(m, "delete")
    if m.reviews:
        raise WrongState(_l("Un jalon déjà soumis ne peut pas être supprimé."))
    project, title, mid = _project(m), m.title, m.id
    db.session.delete(m)
    db.session.flush()
    publish(
        "milestone:deleted",
        project,
        actor,
        _l("a supprimé le jalon « %(title)s »", title=title),
        object_id=mid,
        keys=[f"milestone:{mid}", "milestones"],
        data={"url": index_url(project.id)},
    )


def _clean(fields: dict) -> dict:
    out = {k: v for k, v in fields.items() if k in FIELDS}
    if "title" in out:
        out["title"] = (out["title"] or "").strip()
        if not out["title"]:
            raise InvalidInput(_l("Le titre est obligatoire."))
    for key in ("area", "closes_stage"):
        if key in out and not out[key]:
            out[key] = None
    if out.get("closes_stage"):
        Stage(out["closes_stage"])  # ValueError on an unknown stage
    return out


def add_file(m: Milestone, actor, file_storage) -> MilestoneEvidence:
    """Attach a document through the one upload service (UploadError on a refused file)."""
    _check_state(m, "evidence")
    stored = store_upload(_project(m), file_storage, actor)
    ev = MilestoneEvidence(milestone=m, file_id=stored.id, added_by_id=actor.id)
    db.session.add(ev)
    db.session.flush()
    db.session.refresh(ev, ["file"])
    _publish(
        "evidence",
        m,
        actor,
        _l("a joint « %(name)s » au jalon « %(title)s »", name=ev.name, title=m.title),
    )
    return ev


def add_link(m: Milestone, actor, url: str, label: str = "") -> MilestoneEvidence:
    _check_state(m, "evidence")
    ev = MilestoneEvidence(milestone=m, url=url, label=label.strip(), added_by_id=actor.id)
    db.session.add(ev)
    db.session.flush()
    _publish(
        "evidence",
        m,
        actor,
        _l("a ajouté un lien au jalon « %(title)s »", title=m.title),
    )
    return ev


def remove_evidence(m: Milestone, actor, ev: MilestoneEvidence) -> None:
    _check_state(m, "evidence")
    name = ev.name
    m.evidence.remove(ev)
    db.session.flush()
    _publish(
        "evidence",
        m,
        actor,
        _l("a retiré « %(name)s » du jalon « %(title)s »", name=name, title=m.title),
    )


def _record(m: Milestone, actor, decision: Decision, reason: str = "") -> MilestoneReview:
    review = MilestoneReview(
        milestone_id=m.id,
        project_id=m.project_id,
        round=m.round,
        decision=decision.value,
        reason=reason,
        evidence_seen=m.evidence_snapshot(),
        actor_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(review)
    return review


def _text(value: str | None, message) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    if len(value) > REASON_MAX:
        raise InvalidInput(_l("%(max)d caractères au plus.", max=REASON_MAX))
    return value


def submit(m: Milestone, actor, message: str) -> MilestoneReview:
    """A director submits the milestone for validation; each submission opens a round."""
    _check_state(m, "submit")
    message = _text(message, _l("Ajoutez un message pour le conseiller."))
    m.round += 1
    m.status = ACTIONS["submit"].target.value
    review = _record(m, actor, Decision.SUBMITTED, message)
    db.session.flush()
    _publish("submitted", m, actor, _l("a soumis le jalon « %(title)s »", title=m.title))
    return review


def validate(m: Milestone, actor, comment: str = "") -> MilestoneReview:
    """An adviser validates; a milestone closing a stage moves the project on."""
    _check_state(m, "validate")
    comment = (comment or "").strip()
    if len(comment) > REASON_MAX:
        raise InvalidInput(_l("%(max)d caractères au plus.", max=REASON_MAX))
    m.status = Status.VALIDATED.value
    review = _record(m, actor, Decision.VALIDATED, comment)
    db.session.flush()
    summary = _l("a validé le jalon « %(title)s »", title=m.title)
    _publish("validated", m, actor, summary, comment)
    _advance_stage(m, actor)
    return review


def _advance_stage(m: Milestone, actor) -> None:
    stage = m.stage_enum
    project = _project(m)
    if stage is None or stage.index < project.stage_enum.index:
        return
    following = stage.next()
    if following is not None:
        core_ops.set_stage(project, actor, following)


def send_back(m: Milestone, actor, reason: str) -> MilestoneReview:
    """An adviser sends the milestone back « à reprendre »; a reason is required."""
    _check_state(m, "return")
    reason = _text(reason, _l("Indiquez ce qui doit être repris."))
    m.status = Status.RETURNED.value
    review = _record(m, actor, Decision.RETURNED, reason)
    db.session.flush()
    summary = _l("a renvoyé le jalon « %(title)s » à reprendre", title=m.title)
    _publish("returned", m, actor, summary, reason)
    return review


def reopen(m: Milestone, actor, reason: str) -> MilestoneReview:
    """An adviser reopens a validated milestone (its evidence becomes editable again)."""
    _check_state(m, "reopen")
    reason = _text(reason, _l("Indiquez pourquoi le jalon est rouvert."))
    m.status = Status.RETURNED.value
    review = _record(m, actor, Decision.REOPENED, reason)
    db.session.flush()
    _publish("reopened", m, actor, _l("a rouvert le jalon « %(title)s »", title=m.title))
    return review


# Calendar feed tokens ------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_token(project) -> MilestoneCalendarToken | None:
    return db.session.scalar(
        db.select(MilestoneCalendarToken).filter_by(project_id=project.id, revoked_at=None)
    )


def create_calendar_token(project, actor) -> str:
    """A new private feed address (the previous one stops working); returns the token once."""
    revoke_calendar_token(project, actor, log=False)
    token = secrets.token_urlsafe(32)
    db.session.add(
        MilestoneCalendarToken(
            project_id=project.id, token_hash=token_hash(token), created_by_id=actor.id
        )
    )
    db.session.flush()
    publish(
        "milestone:calendar",
        project,
        actor,
        _l("a créé une adresse d'agenda privée pour les jalons"),
        keys=["milestones-calendar"],
        data={"url": index_url(project.id, "milestones.calendar", "calendar")},
    )
    return token


def revoke_calendar_token(project, actor, log: bool = True) -> bool:
    token = active_token(project)
    if token is None:
        return False
    token.revoked_at = utcnow()
    db.session.flush()
    if log:
        publish(
            "milestone:calendar",
            project,
            actor,
            _l("a révoqué l'adresse d'agenda des jalons"),
            keys=["milestones-calendar"],
            data={"url": index_url(project.id, "milestones.calendar", "calendar")},
        )
    return True


def project_for_token(token: str):
    """The project of a live token, or None (unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(
        db.select(MilestoneCalendarToken).filter_by(token_hash=token_hash(token), revoked_at=None)
    )
    return _project_by_id(row.project_id) if row else None


def _project_by_id(pid: int):
    from workspace.models import Project

    return db.session.get(Project, pid)
