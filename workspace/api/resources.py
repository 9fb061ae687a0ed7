"""Core resources: me, projects, members, organisations (read), activity, tokens."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from workspace import operations
from workspace.api.blueprints import bp
from workspace.api.core import check_if_match, endpoint, get_or_404, item, no_content, page
from workspace.api.errors import ApiError
from workspace.api.fields import F, Resource
from workspace.api.models import ApiToken
from workspace.extensions import db
from workspace.models import (
    Activity,
    CooperationForm,
    Membership,
    Organisation,
    OrganisationKind,
    Project,
    Role,
    Stage,
    StoredFile,
    utcnow,
)
from workspace.web.uploads import send_stored

STAGES = tuple(s.value for s in Stage)
FORMS = tuple(f.value for f in CooperationForm)

USER = Resource(
    "User",
    {
        "id": F("integer", read_only=True),
        "name": F("string", read_only=True),
        "email": F("string", read_only=True),
        "organisation_id": F("integer", read_only=True),
        "locale": F("string", read_only=True),
    },
    "The signed-in person.",
)

PROJECT = Resource(
    "Project",
    {
        "id": F("integer", read_only=True),
        "name": F("string", required=True, max_length=200),
        "form": F("enum", choices=FORMS),
        "stage": F("enum", choices=STAGES),
        "summary": F("text", max_length=5000),
        "territory": F("string", max_length=200),
        "start_date": F("date", nullable=True),
        "end_date": F("date", nullable=True),
        "archived": F("boolean", read_only=True),
        "partner_ids": F("ids", read_only=True, source=lambda p: [o.id for o in p.partners]),
        "version": F("integer", read_only=True),
        "created_at": F("datetime", read_only=True),
        "updated_at": F("datetime", read_only=True),
    },
    "A cooperation project.",
)

MEMBER = Resource(
    "Member",
    {
        "id": F("integer", read_only=True),
        "user_id": F("integer", read_only=True),
        "name": F("string", read_only=True, source=lambda m: m.user.name),
        "organisation_id": F("integer", read_only=True, source=lambda m: m.user.organisation_id),
        "role": F("enum", read_only=True, choices=tuple(r.value for r in Role)),
        "coordinator": F("boolean", read_only=True),
    },
    "A person's role in a project.",
)

ORGANISATION = Resource(
    "Organisation",
    {
        "id": F("integer", read_only=True),
        "name": F("string", read_only=True),
        "kind": F("enum", read_only=True, choices=tuple(k.value for k in OrganisationKind)),
        "town": F("string", read_only=True),
        "siret": F("string", read_only=True, nullable=True),
        "color": F("string", read_only=True),
    },
    "A partner organisation (association, SAAD, EHPAD, funder…).",
)

ACTIVITY = Resource(
    "Activity",
    {
        "id": F("integer", read_only=True),
        "verb": F("string", read_only=True, description="Event type, e.g. task:moved"),
        "object_type": F("string", read_only=True),
        "object_id": F("integer", read_only=True, nullable=True),
        "actor_id": F("integer", read_only=True, nullable=True),
        "summary": F("string", read_only=True),
        "summary_en": F("string", read_only=True),
        "created_at": F("datetime", read_only=True),
    },
    "One entry of a project's append-only activity log.",
)

TOKEN = Resource(
    "Token",
    {
        "id": F("integer", read_only=True),
        "name": F("string", read_only=True),
        "prefix": F("string", read_only=True),
        "scope": F("enum", read_only=True, choices=("read", "write")),
        "created_at": F("datetime", read_only=True),
        "expires_at": F("datetime", read_only=True, nullable=True),
        "last_used_at": F("datetime", read_only=True, nullable=True),
    },
    "One of your personal access tokens (the secret itself is never shown again).",
)

ARCHIVED = {"archived": F("boolean", description="Only archived (true) or open (false)")}
ACTIVITY_FILTERS = {
    "type": F("string", max_length=40, description="Object type, e.g. task, milestone"),
    "actor_id": F("integer"),
}


@endpoint(bp, "/me", summary="The signed-in person", tag="core", permission=None, response=USER)
def me():
    return item(current_user, USER)


@endpoint(
    bp,
    "/projects",
    summary="My projects",
    tag="projects",
    permission=None,
    response=PROJECT,
    many=True,
    query=ARCHIVED,
)
def projects(args):
    stmt = (
        db.select(Project)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == current_user.id)
    )
    if "archived" in args:
        stmt = stmt.where(Project.archived.is_(args["archived"]))
    return page(stmt, Project.id, args, PROJECT)


@endpoint(
    bp,
    "/projects/<int:project_id>",
    summary="One project",
    tag="projects",
    permission="project.view",
    response=PROJECT,
)
def project(project_id: int):
    return item(g.project, PROJECT)


@endpoint(
    bp,
    "/projects/<int:project_id>",
    "PATCH",
    summary="Edit a project (coordinators)",
    tag="projects",
    permission="project.edit",
    body=PROJECT,
    partial=True,
    response=PROJECT,
    if_match=True,
    name="update_project",
)
def update_project(project_id: int, data):
    project = g.project
    if project.archived:
        raise ApiError(403, _("Le projet est archivé : rouvrez-le pour le modifier."))
    check_if_match(project, PROJECT)
    start = data.get("start_date", project.start_date)
    end = data.get("end_date", project.end_date)
    if start and end and end < start:
        raise ApiError(
            400,
            _("Certaines informations sont invalides."),
            {"end_date": _("La fin prévue doit suivre la date de début.")},
        )
    operations.update_project(project, current_user, **data)
    db.session.commit()
    return item(project, PROJECT)


@endpoint(
    bp,
    "/projects/<int:project_id>/members",
    summary="Members of a project",
    tag="projects",
    permission="members.view",
    response=MEMBER,
    many=True,
)
def members(project_id: int, args):
    stmt = db.select(Membership).filter_by(project_id=project_id)
    return page(stmt, Membership.id, args, MEMBER)


@endpoint(
    bp,
    "/projects/<int:project_id>/activity",
    summary="Activity log, newest first",
    tag="projects",
    permission="activity.view",
    response=ACTIVITY,
    many=True,
    query=ACTIVITY_FILTERS,
)
def activity(project_id: int, args):
    stmt = db.select(Activity).filter_by(project_id=project_id)
    if "type" in args:
        stmt = stmt.where(Activity.object_type == args["type"])
    if "actor_id" in args:
        stmt = stmt.where(Activity.actor_id == args["actor_id"])
    return page(stmt, Activity.id, args, ACTIVITY, descending=True)


@endpoint(
    bp,
    "/organisations",
    summary="Organisations",
    tag="organisations",
    permission=None,
    response=ORGANISATION,
    many=True,
    query={"kind": ORGANISATION.fields["kind"]},
)
def organisations(args):
    stmt = db.select(Organisation)
    if "kind" in args:
        stmt = stmt.where(Organisation.kind == args["kind"])
    return page(stmt, Organisation.id, args, ORGANISATION)


@endpoint(
    bp,
    "/organisations/<int:organisation_id>",
    summary="One organisation",
    tag="organisations",
    permission=None,
    response=ORGANISATION,
)
def organisation(organisation_id: int):
    return item(get_or_404(Organisation, organisation_id), ORGANISATION)


@endpoint(
    bp,
    "/tokens",
    summary="My personal access tokens (active ones)",
    tag="tokens",
    permission=None,
    response=TOKEN,
    many=True,
)
def tokens(args):
    stmt = db.select(ApiToken).filter_by(user_id=current_user.id, revoked_at=None)
    stmt = stmt.where(ApiToken.expires_at.is_(None) | (ApiToken.expires_at > utcnow()))
    return page(stmt, ApiToken.id, args, TOKEN)


@endpoint(
    bp,
    "/tokens/<int:token_id>",
    "DELETE",
    summary="Revoke one of my tokens",
    tag="tokens",
    permission=None,
    status=204,
    name="revoke_token",
)
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id or token.revoked_at is not None:
        raise ApiError(404)
    token.revoked_at = utcnow()
    db.session.commit()
    return no_content()


@endpoint(
    bp,
    "/projects/<int:project_id>/files/<int:file_id>",
    summary="Download a document of the project (a comment's file, a milestone's evidence…)",
    tag="projects",
    permission="files.download",
    binary=True,
    name="download_file",
)
def download_file(project_id: int, file_id: int):
    return send_stored(get_or_404(StoredFile, file_id, project_id))
