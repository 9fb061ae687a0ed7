"""The permission matrix of every core endpoint × every row of WHO, for GET and POST.

Each cell is one request on a fresh project with one person per role. Forged POSTs that are
refused (403/404/302 to the login) must change nothing. A new core endpoint fails
``test_every_core_endpoint_is_in_the_matrix`` until it gets a row here.
"""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from tests.conftest import WHO, client_for
from tests.factories import create_user
from workspace import operations
from workspace.extensions import db
from workspace.models import Activity, Invitation, Membership, Organisation, Project, User
from workspace.web.uploads import store_upload

CORE_BLUEPRINTS = {"auth", "account", "projects", "members", "admin"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

SIGNED_IN = ["outsider", "admin", "coordinator", "director", "adviser", "evaluator", "funder"]
ROLES = ["coordinator", "director", "adviser", "evaluator", "funder"]


def row(anonymous=302, **by_who):
    """Expected statuses: ``default`` for the signed-in rows not named."""
    default = by_who.pop("default", 200)
    out = {"anonymous": anonymous}
    out.update(dict.fromkeys(SIGNED_IN, default))
    out.update(by_who)
    return out


def member_row(ok=200, refused=403, allowed=("coordinator",)):
    """A project page: anonymous → login, outsider and admin → 404, roles as given."""
    cells = {"anonymous": 302, "outsider": 404, "admin": 404}
    cells.update({r: ok if r in allowed else refused for r in ROLES})
    return cells


def admin_row(ok=200):
    return row(default=403, admin=ok)


EVERYONE = ROLES
ALL_405 = dict.fromkeys(WHO, 405)

# endpoint → (url(ctx), {method: statuses}, post data(ctx))
MATRIX = {
    "auth.login": (
        lambda c: "/login",
        {"GET": row(anonymous=200, default=302), "POST": row(anonymous=400, default=302)},
        lambda c: {"email": "nobody@example.org", "password": "wrong-password-123"},
    ),
    "auth.logout": (lambda c: "/logout", {"GET": ALL_405, "POST": row(default=302)}, None),
    "auth.switch_language": (
        lambda c: "/lang/en",
        {"GET": ALL_405, "POST": row(anonymous=302, default=302)},
        None,
    ),
    "account.profile": (lambda c: "/profile", {"GET": row(), "POST": row(default=400)}, None),
    "account.change_password": (
        lambda c: "/profile/password",
        {"GET": ALL_405, "POST": row(default=400)},
        None,
    ),
    "account.sign_out_everywhere": (
        lambda c: "/profile/sessions",
        {"GET": ALL_405, "POST": row(default=302)},
        None,
    ),
    "account.reset_request": (
        lambda c: "/reset",
        {"GET": row(anonymous=200), "POST": row(anonymous=200)},
        lambda c: {"email": "nobody@example.org"},
    ),
    "account.reset": (
        lambda c: "/reset/not-a-real-token",
        {"GET": dict.fromkeys(WHO, 404), "POST": dict.fromkeys(WHO, 404)},
        None,
    ),
    "account.invitation": (
        lambda c: f"/invitations/{c['token']}",
        {"GET": row(anonymous=200, default=403), "POST": row(anonymous=400, default=403)},
        None,
    ),
    "projects.index": (lambda c: "/", {"GET": row()}, None),
    "projects.search_page": (
        lambda c: f"/search?q={c['project'].name}",
        {"GET": row(), "POST": ALL_405},
        None,
    ),
    "projects.create": (
        lambda c: "/projects/new",
        {
            "GET": row(evaluator=403, funder=403),
            "POST": row(default=400, evaluator=403, funder=403),
        },
        None,
    ),
    "projects.overview": (
        lambda c: f"/projects/{c['project'].id}/",
        {"GET": member_row(allowed=EVERYONE), "POST": ALL_405},
        None,
    ),
    "projects.settings": (
        lambda c: f"/projects/{c['project'].id}/settings",
        {"GET": member_row(), "POST": member_row(ok=400)},
        None,
    ),
    "projects.archive": (
        lambda c: f"/projects/{c['project'].id}/archive",
        {"GET": ALL_405, "POST": member_row(ok=302)},
        lambda c: {"archive-groupement_created": "yes"},
    ),
    "projects.restore": (
        lambda c: f"/projects/{c['project'].id}/restore",
        {"GET": ALL_405, "POST": member_row(ok=409)},
        None,
    ),
    "projects.download_file": (
        lambda c: f"/projects/{c['project'].id}/files/{c['file'].id}",
        {"GET": member_row(allowed=EVERYONE)},
        None,
    ),
    "projects.activity": (
        lambda c: f"/projects/{c['project'].id}/activity",
        {"GET": member_row(allowed=EVERYONE)},
        None,
    ),
    "members.index": (
        lambda c: f"/projects/{c['project'].id}/members/",
        {"GET": member_row(allowed=EVERYONE)},
        None,
    ),
    "members.fragment": (
        lambda c: f"/projects/{c['project'].id}/members/list",
        {"GET": member_row(allowed=EVERYONE)},
        None,
    ),
    "members.invite": (
        lambda c: f"/projects/{c['project'].id}/members/invite",
        {"GET": ALL_405, "POST": member_row(ok=200)},  # the page with the link to copy
        lambda c: {"email": "nouvelle@example.org", "role": "adviser"},
    ),
    "members.change": (
        lambda c: f"/projects/{c['project'].id}/members/{c['target'].id}/change",
        {"GET": ALL_405, "POST": member_row(ok=302)},
        lambda c: {"role": "adviser"},
    ),
    "members.remove": (
        lambda c: f"/projects/{c['project'].id}/members/{c['target'].id}/remove",
        {"GET": ALL_405, "POST": member_row(ok=302)},
        None,
    ),
    "members.revoke": (
        lambda c: f"/projects/{c['project'].id}/members/invitations/{c['invitation'].id}/revoke",
        {"GET": ALL_405, "POST": member_row(ok=302)},
        None,
    ),
    "members.resend": (
        lambda c: f"/projects/{c['project'].id}/members/invitations/{c['invitation'].id}/resend",
        {"GET": ALL_405, "POST": member_row(ok=200)},  # the page with the new link
        None,
    ),
    "admin.index": (lambda c: "/admin/", {"GET": admin_row(302)}, None),
    "admin.organisations": (lambda c: "/admin/organisations", {"GET": admin_row()}, None),
    "admin.organisation_new": (
        lambda c: "/admin/organisations/new",
        {"GET": admin_row(), "POST": admin_row(400)},
        None,
    ),
    "admin.organisation_edit": (
        lambda c: f"/admin/organisations/{c['org'].id}",
        {"GET": admin_row(), "POST": admin_row(400)},
        lambda c: {"name": ""},
    ),
    "admin.users": (lambda c: "/admin/users", {"GET": admin_row()}, None),
    "admin.user_new": (
        lambda c: "/admin/users/new",
        {"GET": admin_row(), "POST": admin_row(400)},
        None,
    ),
    "admin.user_edit": (
        lambda c: f"/admin/users/{c['people']['outsider'].id}",
        {"GET": admin_row(), "POST": admin_row(400)},
        lambda c: {"name": ""},
    ),
    "admin.user_deactivate": (
        lambda c: f"/admin/users/{c['people']['outsider'].id}/deactivate",
        {"GET": ALL_405, "POST": admin_row(302)},
        None,
    ),
}


def core_endpoints(app) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in CORE_BLUEPRINTS:
            out.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return out


def test_every_core_endpoint_is_in_the_matrix(app):
    endpoints = core_endpoints(app)
    assert set(endpoints) == set(MATRIX), set(endpoints) ^ set(MATRIX)
    for endpoint, methods in endpoints.items():
        assert methods <= set(MATRIX[endpoint][1]), (endpoint, methods)


def _context(roles_project) -> dict:
    project, people = roles_project
    coordinator = people["coordinator"]
    invitation, token = operations.invite(
        project, coordinator, "invitee@example.org", "adviser", False
    )
    stored = store_upload(project, FileStorage(io.BytesIO(PNG), "plan.png"), coordinator)
    db.session.commit()
    target = db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=people["director"].id)
    )
    return {
        "project": project,
        "people": people,
        "token": token,
        "invitation": invitation,
        "file": stored,
        "target": target,
        "org": people["outsider"].organisation,
    }


def snapshot(project_id: int) -> tuple:
    db.session.expire_all()
    project = db.session.get(Project, project_id)
    memberships = db.session.execute(
        db.select(Membership.user_id, Membership.role, Membership.coordinator).order_by(
            Membership.id
        )
    ).all()
    invitations = db.session.execute(
        db.select(Invitation.id, Invitation.token_hash, Invitation.revoked, Invitation.accepted_at)
    ).all()
    users = db.session.execute(
        db.select(User.id, User.email, User.name, User.active, User.is_admin, User.session_epoch)
    ).all()
    orgs = db.session.execute(db.select(Organisation.id, Organisation.name)).all()
    activity = db.session.scalar(db.select(db.func.count(Activity.id)))
    return (project.name, project.archived, memberships, invitations, users, orgs, activity)


CELLS = [
    (endpoint, method, who)
    for endpoint, (_url, methods, _data) in MATRIX.items()
    for method in methods
    for who in WHO
]


@pytest.mark.parametrize(("endpoint", "method", "who"), CELLS)
def test_matrix(endpoint, method, who, roles_project, login_as):
    ctx = _context(roles_project)
    url_of, statuses, data_of = MATRIX[endpoint]
    expected = statuses[method][who]
    client = client_for(who, ctx["people"], login_as)
    before = snapshot(ctx["project"].id)
    if method == "GET":
        response = client.get(url_of(ctx))
    else:
        response = client.post(url_of(ctx), data=data_of(ctx) if data_of else {})
    assert response.status_code == expected, (endpoint, method, who, response.status_code)
    if expected == 302 and who == "anonymous" and endpoint.split(".")[0] != "auth":
        assert "/login" in response.headers["Location"]
    refused = expected in (403, 404, 405) or (expected == 302 and who == "anonymous")
    if method == "POST" and refused and endpoint != "auth.switch_language":
        assert snapshot(ctx["project"].id) == before, (endpoint, who)


def test_site_admin_sees_no_project_content(roles_project, login_as):
    project, people = roles_project
    admin = login_as(people["admin"])
    for url in (f"/projects/{project.id}/", f"/projects/{project.id}/members/"):
        assert admin.get(url).status_code == 404
    assert project.name not in admin.get("/").text


def test_archived_project_refuses_member_changes(roles_project, login_as):
    project, people = roles_project
    operations.archive_project(project, people["coordinator"], True)
    db.session.commit()
    coordinator = login_as(people["coordinator"])
    target = db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=people["director"].id)
    )
    before = snapshot(project.id)
    r = coordinator.post(f"/projects/{project.id}/members/{target.id}/remove")
    assert r.status_code == 403
    r = coordinator.post(
        f"/projects/{project.id}/members/invite", data={"email": "x@example.org", "role": "funder"}
    )
    assert r.status_code == 403
    r = coordinator.post(f"/projects/{project.id}/settings", data={"name": "Nouveau nom"})
    assert r.status_code == 403
    assert snapshot(project.id) == before
    # The settings page offers to reopen it, and reopening works.
    page = coordinator.get(f"/projects/{project.id}/settings")
    assert page.status_code == 200 and "Rouvrir le projet" in page.text
    assert coordinator.post(f"/projects/{project.id}/restore").status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).archived is False


def test_outsider_cannot_guess_other_projects_objects(roles_project, login_as):
    project, people = roles_project
    other_coord = create_user("Autre Coordinatrice")
    other = operations.create_project(other_coord, name="Autre projet", form="partenariat")
    db.session.commit()
    target = db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=people["director"].id)
    )
    # A coordinator of another project cannot reach this membership through their project.
    r = login_as(other_coord).post(f"/projects/{other.id}/members/{target.id}/remove")
    assert r.status_code == 404
    assert db.session.get(Membership, target.id) is not None
