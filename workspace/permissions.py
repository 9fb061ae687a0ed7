"""The one registry of named permissions and the one check, :func:`can`.

Roles are not a ladder: each permission is granted to a set of roles. The roles are the
membership roles (``director``, ``adviser``, ``evaluator``, ``funder``) plus the pseudo-role
``coordinator`` held by directors who manage the project. Every view, template, API endpoint
and socket join asks :func:`can`; plugins register their permissions at load time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, g
from flask_login import current_user
from werkzeug.local import LocalProxy

from workspace.extensions import db

ROLES = ("director", "adviser", "evaluator", "funder")
ALL_ROLES = frozenset(ROLES)
EDITORS = frozenset({"director"})
COMMENTERS = frozenset({"director", "adviser", "evaluator"})


@dataclass(frozen=True)
class Permission:
    """A named permission granted to ``roles``.

    ``write`` marks a permission that changes the project: it is refused on an archived
    project, whatever the role (only ``project.edit`` for coordinators stays, to unarchive).
    """

    name: str
    roles: frozenset[str]
    write: bool = False

    def __init__(self, name: str, roles, write: bool = False):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "write", write)
        unknown = self.roles - ALL_ROLES - {"coordinator"}
        if unknown:
            raise ValueError(f"permission {name}: unknown roles {sorted(unknown)}")


REGISTRY: dict[str, Permission] = {}

CORE_PERMISSIONS = [
    Permission("project.view", ALL_ROLES),
    Permission("project.edit", {"coordinator"}),
    # Changing the project's integrations (webhooks): a write, so refused once archived.
    Permission("project.integrations", {"coordinator"}, write=True),
    Permission("members.view", ALL_ROLES),
    Permission("members.manage", {"coordinator"}, write=True),
    Permission("activity.view", ALL_ROLES),
    Permission("files.download", ALL_ROLES),
]


def register(permission: Permission) -> None:
    """Add a permission to the registry; a name registered twice is an error."""
    if permission.name in REGISTRY and REGISTRY[permission.name] != permission:
        raise ValueError(f"permission {permission.name!r} is already registered")
    REGISTRY[permission.name] = permission


def reset_registry() -> None:
    REGISTRY.clear()
    for p in CORE_PERMISSIONS:
        register(p)


reset_registry()


def membership_of(user, project):
    """The user's membership in the project, cached for the request (None if not a member)."""
    from workspace.models import Membership

    if user is None or project is None:
        return None
    if isinstance(user, LocalProxy):  # current_user: resolve it once, not per attribute
        user = user._get_current_object()
    if not getattr(user, "is_authenticated", False):
        return None
    cache = g.setdefault("_memberships", {})
    key = (user.id, project.id)
    try:
        return cache[key]
    except KeyError:
        found = cache[key] = db.session.scalar(
            db.select(Membership).filter_by(user_id=user.id, project_id=project.id)
        )
        return found


def remember_membership(user, project, membership) -> None:
    """Prime the request's cache with ``membership`` (``None``: not a member) of ``user`` in
    ``project``, loaded by the caller in the same query as the project, so :func:`can` asks
    the database nothing more (the hot path of the live plan edits)."""
    if membership is not None and (
        membership.user_id != user.id or membership.project_id != project.id
    ):
        raise ValueError("the membership of someone else, or of another project")
    g.setdefault("_memberships", {})[(user.id, project.id)] = membership


def roles_of(user, project) -> frozenset[str]:
    m = membership_of(user, project)
    return m.roles if m else frozenset()


def may_create_projects(user) -> bool:
    """The site-level right to create a project: the administrator's choice for this person
    when made, else the kind of their organisation (directors and Pôle advisers by default,
    not funders or consultancies); site administrators always may."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    if user.may_create_projects is not None:
        return user.may_create_projects
    return user.organisation.kind in current_app.config["PROJECT_CREATOR_KINDS"]


def is_pole_adviser(user) -> bool:
    """The site-level adviser role: an active member of a network organisation (the Pôle).
    They receive and qualify the intake requests; a project's own adviser role stays per
    project (a membership)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.active
        and user.organisation.kind == "network"
    )


def is_funder_staff(user) -> bool:
    """The site-level funder role: an active member of a funder organisation (the Conseil
    départemental). They open the calls for start-up aid applications of their organisation;
    a project's own funder role stays per project (a membership, read only)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.active
        and user.organisation.kind == "funder"
    )


# Permissions that do not depend on a project: name → rule(user).
SITE_PERMISSIONS = {
    "projects.create": may_create_projects,
    "intake.manage": is_pole_adviser,
    "calls.manage": is_funder_staff,
}


def can(user, project, permission: str) -> bool:
    """May ``user`` exercise ``permission`` on ``project``?

    Unknown permission names raise ``KeyError`` (a typo must not silently deny or grant).
    Anonymous users and non-members can do nothing; writes are refused on archived projects.
    Site permissions (:data:`SITE_PERMISSIONS`) ignore ``project``.
    """
    site_rule = SITE_PERMISSIONS.get(permission)
    if site_rule is not None:
        return site_rule(user)
    return _grants(REGISTRY[permission], roles_of(user, project), project)


def can_each(user, projects, permission: str) -> list:
    """The projects of ``projects`` where :func:`can` says yes, the user and the request's
    memberships resolved once rather than once per project (the home page asks this of 50
    projects for six permissions)."""
    if permission in SITE_PERMISSIONS:
        return list(projects) if can(user, None, permission) else []
    perm = REGISTRY[permission]
    if isinstance(user, LocalProxy):
        user = user._get_current_object()
    cache = g.setdefault("_memberships", {})
    kept = []
    for project in projects:
        membership = cache.get((getattr(user, "id", None), project.id), False)
        if membership is False:  # not loaded yet: can() loads and remembers it
            roles = roles_of(user, project)
        else:
            roles = membership.roles if membership is not None else frozenset()
        if _grants(perm, roles, project):
            kept.append(project)
    return kept


def _grants(perm: Permission, roles: frozenset[str], project) -> bool:
    """The rule of :func:`can` once the roles are known: a role of the permission, and no
    write on an archived project."""
    if not roles & perm.roles:
        return False
    return not (perm.write and project.archived)


def require(user, project, permission: str) -> None:
    """Abort: 401 when signed out, 404 for who cannot see the project, 403 otherwise."""
    if can(user, project, permission):
        return
    if not getattr(user, "is_authenticated", False):
        abort(401)
    if not can(user, project, "project.view"):
        abort(404)
    abort(403)


def requires(permission: str):
    """View decorator: loads ``project_id`` into ``g.project`` and checks ``permission``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            project = load_project(kwargs["project_id"])
            require(current_user, project, permission)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def load_project(project_id: int):
    """The project of the URL as ``g.project`` (404 when it does not exist)."""
    from workspace.models import Project

    project = g.get("project")
    if project is None or project.id != project_id:
        project = db.session.get(Project, project_id)
        if project is None:
            abort(404)
        g.project = project
    return project
