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
from workspace.api.pages import CursorArgs
from workspace.api.schemas import ApiSchema, Bool, Choice, Day, Ids, Int, Moment, Text
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


def _mine(stmt, args):
    return stmt.join(Membership, Membership.project_id == Project.id).where(
        Membership.user_id == current_user.id
    )


bp.listing(
    "/projects",
    Project,
    ProjectSchema,
    permission=None,
    summary="My projects",
    endpoint="projects",
    filters=ProjectFilters,
    where=_mine,
    tag="projects",
)
bp.read(
    "/projects/<int:project_id>",
    lambda project_id: g.project,
    ProjectSchema,
    permission="project.view",
    summary="One project",
    endpoint="project",
    tag="projects",
)


def _open_project(project_id: int) -> Project:
    if g.project.archived:
        raise ApiError(403, _("Le projet est archivé : rouvrez-le pour le modifier."))
    return g.project


@bp.update(
    "/projects/<int:project_id>",
    _open_project,
    ProjectSchema,
    permission="project.edit",
    tag="projects",
)
def update_project(data, project: Project):
    """Edit a project (coordinators)"""
    start = data.get("start_date", project.start_date)
    end = data.get("end_date", project.end_date)
    if start and end and end < start:
        invalid({"end_date": _("La fin prévue doit suivre la date de début.")})
    operations.update_project(project, current_user, **data)


bp.listing(
    "/projects/<int:project_id>/members",
    Membership,
    MemberSchema,
    permission="members.view",
    summary="Members of a project",
    endpoint="members",
    tag="projects",
)


def _of_type(stmt, args, **url):
    return stmt.where(Activity.object_type == args["type"]) if "type" in args else stmt


bp.listing(
    "/projects/<int:project_id>/activity",
    Activity,
    ActivitySchema,
    permission="activity.view",
    summary="Activity log, newest first",
    endpoint="activity",
    filters=ActivityFilters,
    where=_of_type,
    descending=True,
    tag="projects",
)
bp.listing(
    "/organisations",
    Organisation,
    OrganisationSchema,
    permission=None,
    summary="Organisations",
    endpoint="organisations",
    filters=OrganisationFilters,
    tag="organisations",
)
bp.read(
    "/organisations/<int:organisation_id>",
    Organisation,
    OrganisationSchema,
    permission=None,
    summary="One organisation",
    endpoint="organisation",
    tag="organisations",
)


def _active_tokens(stmt, args):
    stmt = stmt.filter_by(user_id=current_user.id, revoked_at=None)
    return stmt.where(ApiToken.expires_at.is_(None) | (ApiToken.expires_at > utcnow()))


bp.listing(
    "/tokens",
    ApiToken,
    TokenSchema,
    permission=None,
    summary="My personal access tokens (active ones)",
    endpoint="tokens",
    where=_active_tokens,
    tag="tokens",
)


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
