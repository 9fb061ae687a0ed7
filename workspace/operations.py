"""Core operations: mutate, flush, publish. Views commit once; nothing here commits."""

from __future__ import annotations

from datetime import timedelta

from blinker import Namespace
from flask import url_for
from flask_babel import lazy_gettext as _l

from workspace.auth.credentials import new_token
from workspace.events import publish
from workspace.extensions import db
from workspace.models import Invitation, Membership, Organisation, Project, Stage, utcnow

INVITATION_DAYS = 7

_ns = Namespace()
#: Sent when a project has been created (``project``, ``actor``, ``options``: dict of the
#: creation form, e.g. a template to start from). Plugins seed their content from it.
project_created = _ns.signal("project-created")


def create_project(
    actor,
    *,
    name: str,
    form: str,
    stage: str = Stage.EMERGENCE.value,
    partners: list[Organisation] | None = None,
    options: dict | None = None,
    **fields,
) -> Project:
    """Create a project whose creator is its first coordinator-director."""
    project = Project(name=name, form=form, stage=stage, **fields)
    project.partners = list(partners or [])
    if actor.organisation not in project.partners:
        project.partners.append(actor.organisation)
    db.session.add(project)
    db.session.flush()
    db.session.add(
        Membership(user_id=actor.id, project_id=project.id, role="director", coordinator=True)
    )
    db.session.flush()
    publish(
        "project:created",
        project,
        actor,
        _l("a créé le projet « %(name)s »", name=name),
        object_id=project.id,
        keys=["project"],
    )
    project_created.send(project, actor=actor, options=options or {})
    return project


def update_project(project: Project, actor, **fields) -> Project:
    partners = fields.pop("partners", None)
    for key, value in fields.items():
        setattr(project, key, value)
    if partners is not None:
        project.partners = partners
    db.session.flush()
    publish(
        "project:updated",
        project,
        actor,
        _l("a modifié les informations du projet"),
        object_id=project.id,
        keys=["project"],
    )
    return project


def set_stage(project: Project, actor, stage: Stage) -> None:
    """Move the project to ``stage`` (recorded in the activity log)."""
    if project.stage == stage.value:
        return
    project.stage = stage.value
    db.session.flush()
    publish(
        "project:stage",
        project,
        actor,
        _l("a fait passer le projet à l'étape « %(stage)s »", stage=stage.label),
        object_id=project.id,
        keys=["project", "stage"],
    )


#: Sent when a project is archived (closed): ``project``, ``actor``, ``groupement_created``
#: (False when the cooperation did not result in the planned groupement; funding reacts).
project_archived = _ns.signal("project-archived")


def archive_project(project: Project, actor, groupement_created: bool) -> None:
    """Close the project (read-only afterwards) and say whether the groupement was created."""
    project.archived = True
    db.session.flush()
    publish(
        "project:archived",
        project,
        actor,
        _l("a clôturé et archivé le projet"),
        object_id=project.id,
        keys=["project"],
        data={"groupement_created": groupement_created},
    )
    project_archived.send(project, actor=actor, groupement_created=groupement_created)


def restore_project(project: Project, actor) -> None:
    project.archived = False
    db.session.flush()
    publish(
        "project:restored",
        project,
        actor,
        _l("a rouvert le projet"),
        object_id=project.id,
        keys=["project"],
    )


class AlreadyMember(ValueError):
    """A user has at most one role per project."""


def _members_url(project: Project) -> str:
    try:
        return url_for("members.index", project_id=project.id)
    except RuntimeError:  # no request and no SERVER_NAME (CLI, demo)
        return f"/projects/{project.id}/members/"


def is_member(project: Project, user) -> bool:
    return (
        db.session.scalar(
            db.select(Membership.id).filter_by(project_id=project.id, user_id=user.id)
        )
        is not None
    )


def add_member(project: Project, actor, user, role: str, coordinator: bool = False) -> Membership:
    """Give ``user`` a role in the project (raises :class:`AlreadyMember`)."""
    if is_member(project, user):
        raise AlreadyMember(_l("%(name)s est déjà membre du projet.", name=user.name))
    membership = Membership(
        user_id=user.id,
        project_id=project.id,
        role=role,
        coordinator=coordinator and role == "director",
    )
    db.session.add(membership)
    if user.organisation not in project.partners and role == "director":
        project.partners.append(user.organisation)
    db.session.flush()
    publish(
        "member:added",
        project,
        actor,
        _l("a ajouté %(name)s (%(role)s)", name=user.name, role=membership.role_label),
        object_id=membership.id,
        keys=["members"],
        data={"url": _members_url(project)},
    )
    return membership


def coordinators(project: Project) -> list[Membership]:
    return [m for m in project.memberships if m.coordinator]


class LastCoordinator(ValueError):
    pass


def change_member(
    project: Project, actor, membership: Membership, role: str, coordinator: bool
) -> None:
    coordinator = coordinator and role == "director"
    if membership.coordinator and not coordinator and len(coordinators(project)) <= 1:
        raise LastCoordinator(_l("Le projet doit garder au moins un coordinateur."))
    membership.role, membership.coordinator = role, coordinator
    db.session.flush()
    publish(
        "member:changed",
        project,
        actor,
        _l(
            "a changé le rôle de %(name)s : %(role)s",
            name=membership.user.name,
            role=membership.role_label,
        ),
        object_id=membership.id,
        keys=["members"],
        data={"url": _members_url(project)},
    )


def remove_member(project: Project, actor, membership: Membership) -> None:
    if membership.coordinator and len(coordinators(project)) <= 1:
        raise LastCoordinator(_l("Le dernier coordinateur ne peut pas être retiré."))
    name = membership.user.name
    db.session.delete(membership)
    db.session.flush()
    publish(
        "member:removed",
        project,
        actor,
        _l("a retiré %(name)s du projet", name=name),
        object_id=membership.id,
        keys=["members"],
        data={"url": _members_url(project)},
    )


def invite(project: Project, actor, email: str, role: str, coordinator: bool) -> tuple:
    """Create an invitation; returns ``(invitation, token)``. Only the token's hash is kept."""
    token, digest = new_token()
    invitation = Invitation(
        project_id=project.id,
        email=email.strip().lower(),
        role=role,
        coordinator=coordinator and role == "director",
        token_hash=digest,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        invited_by_id=actor.id,
    )
    db.session.add(invitation)
    db.session.flush()
    publish(
        "invitation:created",
        project,
        actor,
        _l("a invité %(email)s", email=invitation.email),
        object_id=invitation.id,
        keys=["members"],
        data={"url": _members_url(project)},
    )
    return invitation, token


def resend_invitation(invitation: Invitation, actor) -> str:
    """A fresh token and seven more days (the previous link stops working)."""
    token, digest = new_token()
    invitation.token_hash = digest
    invitation.expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    db.session.flush()
    publish(
        "invitation:resent",
        invitation.project,
        actor,
        _l("a renvoyé l'invitation de %(email)s", email=invitation.email),
        object_id=invitation.id,
        keys=["members"],
        data={"url": _members_url(invitation.project)},
    )
    return token


def revoke_invitation(invitation: Invitation, actor) -> None:
    invitation.revoked = True
    db.session.flush()
    publish(
        "invitation:revoked",
        invitation.project,
        actor,
        _l("a annulé l'invitation de %(email)s", email=invitation.email),
        object_id=invitation.id,
        keys=["members"],
        data={"url": _members_url(invitation.project)},
    )


def accept_invitation(invitation: Invitation, user) -> Membership:
    """Turn a pending invitation into a membership of ``user`` (publishes ``member:joined``)."""
    project = invitation.project
    if is_member(project, user):
        raise AlreadyMember(_l("Vous êtes déjà membre de ce projet."))
    membership = Membership(
        user_id=user.id,
        project_id=project.id,
        role=invitation.role,
        coordinator=invitation.coordinator and invitation.role == "director",
    )
    db.session.add(membership)
    if invitation.role == "director" and user.organisation not in project.partners:
        project.partners.append(user.organisation)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.flush()
    publish(
        "member:joined",
        project,
        user,
        _l("a rejoint le projet (%(role)s)", role=membership.role_label),
        object_id=membership.id,
        keys=["members"],
        data={"invited_by": invitation.invited_by_id, "url": _members_url(project)},
    )
    return membership
