"""Core resources: me, projects, members, organisations (read), activity, tokens."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from workspace import operations
from workspace.api.base import get_or_404, invalid
from workspace.api.blueprints import bp
from workspace.api.errors import ApiError
from workspace.api.models import ApiToken
from workspace.api.pages import CursorArgs, page
from workspace.api.schemas import ApiSchema, Bool, Choice, Day, Ids, Int, Moment, Text, body_of
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


class UserSchema(ApiSchema):
    """The signed-in person."""

    id = Int(dump_only=True)
    name = Text(dump_only=True)
    email = Text(dump_only=True)
    organisation_id = Int(dump_only=True)
    locale = Text(dump_only=True)


class ProjectSchema(ApiSchema):
    """A cooperation project."""

    id = Int(dump_only=True)
    name = Text(required=True, max_length=200)
    form = Choice(CooperationForm)
    stage = Choice(Stage)
    summary = Text(max_length=5000)
    territory = Text(max_length=200)
    start_date = Day(allow_none=True)
    end_date = Day(allow_none=True)
    archived = Bool(dump_only=True)
    partner_ids = Ids(dump_only=True, source=lambda p: [o.id for o in p.partners])
    version = Int(dump_only=True)
    created_at = Moment(dump_only=True)
    updated_at = Moment(dump_only=True)


class MemberSchema(ApiSchema):
    """A person's role in a project."""

    id = Int(dump_only=True)
    user_id = Int(dump_only=True)
    name = Text(dump_only=True, source=lambda m: m.user.name)
    organisation_id = Int(dump_only=True, source=lambda m: m.user.organisation_id)
    role = Choice(Role, dump_only=True)
    coordinator = Bool(dump_only=True)


class OrganisationSchema(ApiSchema):
    """A partner organisation (association, SAAD, EHPAD, funder…)."""

    id = Int(dump_only=True)
    name = Text(dump_only=True)
    kind = Choice(OrganisationKind, dump_only=True)
    town = Text(dump_only=True)
    siret = Text(dump_only=True, allow_none=True)
    color = Text(dump_only=True)


class ActivitySchema(ApiSchema):
    """One entry of a project's append-only activity log."""

    id = Int(dump_only=True)
    verb = Text(dump_only=True, description="Event type, e.g. task:moved")
    object_type = Text(dump_only=True)
    object_id = Int(dump_only=True, allow_none=True)
    actor_id = Int(dump_only=True, allow_none=True)
    summary = Text(dump_only=True)
    summary_en = Text(dump_only=True)
    created_at = Moment(dump_only=True)


class TokenSchema(ApiSchema):
    """One of your personal access tokens (the secret itself is never shown again)."""

    id = Int(dump_only=True)
    name = Text(dump_only=True)
    prefix = Text(dump_only=True)
    scope = Choice(("read", "write"), dump_only=True)
    created_at = Moment(dump_only=True)
    expires_at = Moment(dump_only=True, allow_none=True)
    last_used_at = Moment(dump_only=True, allow_none=True)


class ProjectFilters(CursorArgs):
    archived = Bool(description="Only archived (true) or open (false)")


class ActivityFilters(CursorArgs):
    type = Text(max_length=40, description="Object type, e.g. task, milestone")
    actor_id = Int()


class OrganisationFilters(CursorArgs):
    kind = Choice(OrganisationKind)


@bp.operation("/me", permission=None, response=UserSchema)
def me():
    """The signed-in person"""
    return current_user


@bp.operation(
    "/projects",
    permission=None,
    response=ProjectSchema,
    many=True,
    query=ProjectFilters,
    tag="projects",
)
def projects(args):
    """My projects"""
    stmt = (
        db.select(Project)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == current_user.id)
    )
    if "archived" in args:
        stmt = stmt.where(Project.archived.is_(args["archived"]))
    return page(stmt, Project.id, args)


@bp.operation(
    "/projects/<int:project_id>", permission="project.view", response=ProjectSchema, tag="projects"
)
def project(project_id: int):
    """One project"""
    return g.project


@bp.operation(
    "/projects/<int:project_id>",
    "PATCH",
    permission="project.edit",
    body=body_of(ProjectSchema, "Update", partial=True),
    response=ProjectSchema,
    tag="projects",
)
def update_project(data, project_id: int):
    """Edit a project (coordinators)"""
    project = g.project
    if project.archived:
        raise ApiError(403, _("Le projet est archivé : rouvrez-le pour le modifier."))
    bp.check_etag(project, ProjectSchema)
    start = data.get("start_date", project.start_date)
    end = data.get("end_date", project.end_date)
    if start and end and end < start:
        invalid({"end_date": _("La fin prévue doit suivre la date de début.")})
    operations.update_project(project, current_user, **data)
    db.session.commit()
    return project


@bp.operation(
    "/projects/<int:project_id>/members",
    permission="members.view",
    response=MemberSchema,
    many=True,
    tag="projects",
)
def members(args, project_id: int):
    """Members of a project"""
    stmt = db.select(Membership).filter_by(project_id=project_id)
    return page(stmt, Membership.id, args)


@bp.operation(
    "/projects/<int:project_id>/activity",
    permission="activity.view",
    response=ActivitySchema,
    many=True,
    query=ActivityFilters,
    tag="projects",
)
def activity(args, project_id: int):
    """Activity log, newest first"""
    stmt = db.select(Activity).filter_by(project_id=project_id)
    if "type" in args:
        stmt = stmt.where(Activity.object_type == args["type"])
    if "actor_id" in args:
        stmt = stmt.where(Activity.actor_id == args["actor_id"])
    return page(stmt, Activity.id, args, descending=True)


@bp.operation(
    "/organisations",
    permission=None,
    response=OrganisationSchema,
    many=True,
    query=OrganisationFilters,
    tag="organisations",
)
def organisations(args):
    """Organisations"""
    stmt = db.select(Organisation)
    if "kind" in args:
        stmt = stmt.where(Organisation.kind == args["kind"])
    return page(stmt, Organisation.id, args)


@bp.operation(
    "/organisations/<int:organisation_id>",
    permission=None,
    response=OrganisationSchema,
    tag="organisations",
)
def organisation(organisation_id: int):
    """One organisation"""
    return get_or_404(Organisation, organisation_id)


@bp.operation("/tokens", permission=None, response=TokenSchema, many=True, tag="tokens")
def tokens(args):
    """My personal access tokens (active ones)"""
    stmt = db.select(ApiToken).filter_by(user_id=current_user.id, revoked_at=None)
    stmt = stmt.where(ApiToken.expires_at.is_(None) | (ApiToken.expires_at > utcnow()))
    return page(stmt, ApiToken.id, args)


@bp.operation("/tokens/<int:token_id>", "DELETE", permission=None, status=204, tag="tokens")
def revoke_token(token_id: int):
    """Revoke one of my tokens"""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id or token.revoked_at is not None:
        raise ApiError(404)
    token.revoked_at = utcnow()
    db.session.commit()


BINARY = {"type": "string", "format": "binary"}
DOCUMENT = {"description": "The document", "content": {"*/*": {"schema": BINARY}}}


@bp.operation(
    "/projects/<int:project_id>/files/<int:file_id>",
    permission="files.download",
    tag="projects",
    doc={"responses": {200: DOCUMENT}},
)
def download_file(project_id: int, file_id: int):
    """Download a document of the project (a comment's file, a milestone's evidence…)"""
    return send_stored(get_or_404(StoredFile, file_id, project_id))
