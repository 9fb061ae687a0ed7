"""Members of a project: the list by organisation, invitations, role changes, removal.

Everyone in the project sees the list (``members.view``); only coordinators get the controls
(``members.manage``, a write permission: refused on an archived project). Changes go through
:mod:`workspace.operations`; the last coordinator can be neither removed nor demoted.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from workspace import operations
from workspace.cache import fragments
from workspace.extensions import db, htmx
from workspace.members.forms import InviteForm, MemberForm
from workspace.models import Invitation, Membership, User, utcnow  # noqa: F401
from workspace.notifications.mail import queue_mail
from workspace.permissions import can, requires
from workspace.web.feedback import toast

bp = Blueprint("members", __name__, url_prefix="/projects/<int:project_id>/members")


def _grouped(project) -> list[tuple]:
    """``[(organisation, [membership, …]), …]`` sorted by organisation then person."""
    groups: dict = {}
    for m in sorted(project.memberships, key=lambda m: (m.user.organisation.name, m.user.name)):
        groups.setdefault(m.user.organisation, []).append(m)
    return list(groups.items())


def _pending(project) -> list[Invitation]:
    return db.session.scalars(
        db.select(Invitation)
        .filter_by(project_id=project.id, revoked=False, accepted_at=None)
        .order_by(Invitation.created_at.desc())
    ).all()


def _groups_html(project, manage: bool):
    """The members by organisation (with their controls for coordinators), reused while the
    project's data and the people's names are unchanged; per viewer (« vous »)."""
    return fragments.page_body(
        "members",
        project,
        lambda: render_template(
            "members/_groups.html", project=project, groups=_grouped(project), manage=manage
        ),
        current_user.id,
    )


def _context(project, invite_form=None, error=None, sent=None) -> dict:
    manage = can(current_user, project, "members.manage")
    return {
        "project": project,
        "groups_html": _groups_html(project, manage),
        "invitations": _pending(project) if manage else [],
        "manage": manage,
        "invite_form": invite_form or (InviteForm() if manage else None),
        "member_form": MemberForm,
        "error": error,
        "sent": sent,
    }


def _render_list(status: int = 200, error: str | None = None):
    return render_template("members/_list.html", **_context(g.project, error=error)), status


def _after_change(message: str):
    """htmx: the refreshed list and a toast; otherwise back to the page with a flash."""
    toast(message)
    if htmx:
        return _render_list()
    return redirect(url_for("members.index", project_id=g.project.id))


def _refused(message: str):
    """The last coordinator rule: 400, a clear message, nothing changed."""
    db.session.rollback()
    if htmx:
        return _render_list(400, message)
    return render_template("members/index.html", **_context(g.project, error=message)), 400


@bp.route("/")
@requires("members.view")
def index(project_id: int):
    return render_template("members/index.html", **_context(g.project))


@bp.route("/list")
@requires("members.view")
def fragment(project_id: int):
    """The list alone, refetched live when a ``members`` notice arrives."""
    return _render_list()


def _membership(membership_id: int) -> Membership:
    m = db.session.get(Membership, membership_id)
    if m is None or m.project_id != g.project.id:
        abort(404)
    return m


def _invitation(invitation_id: int) -> Invitation:
    inv = db.session.get(Invitation, invitation_id)
    if inv is None or inv.project_id != g.project.id:
        abort(404)
    return inv


def send_invitation_mail(invitation: Invitation, token: str) -> dict:
    """Queue the mail of the link (the job worker sends it; to the outbox folder when no server
    is set) and return what the coordinator is shown once: ``{"email", "link", "mailed"}`` —
    the link to copy and pass on themselves (the only way to invite without a mail server, the
    default)."""
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("account.invitation", token=token)
    with force_locale("fr"):
        body = render_template("members/invitation_mail.txt", invitation=invitation, link=link)
        subject = _("Invitation au projet « %(name)s » sur Coopilote", name=g.project.name)
    queue_mail(invitation.email, subject, body)
    db.session.commit()  # the job worker sends it
    return {
        "email": invitation.email,
        "link": link,
        "mailed": bool(current_app.config.get("MAIL_SERVER")),
    }


@bp.route("/invite", methods=["POST"])
@requires("members.manage")
def invite(project_id: int):
    project = g.project
    form = InviteForm()
    if form.validate_on_submit():
        existing = db.session.scalar(
            db.select(User).where(db.func.lower(User.email) == form.email.data.strip().lower())
        )
        if existing is not None and operations.is_member(project, existing):
            form.email.errors.append(_("Cette personne est déjà membre du projet."))
        else:
            invitation, token = operations.invite(
                project, current_user, form.email.data, form.role.data, form.coordinator.data
            )
            db.session.commit()
            sent = send_invitation_mail(invitation, token)
            toast(_("Invitation créée pour %(email)s.", email=invitation.email))
            # The page itself (no redirect): the link is shown this once, to be copied.
            fresh = InviteForm(formdata=None)  # ready for the next person
            return render_template(
                "members/index.html", **_context(project, invite_form=fresh, sent=sent)
            )
    return render_template("members/index.html", **_context(project, invite_form=form)), 400


@bp.route("/<int:membership_id>/change", methods=["POST"])
@requires("members.manage")
def change(project_id: int, membership_id: int):
    membership = _membership(membership_id)
    form = MemberForm()
    if not form.validate():
        message = next(iter(e for errs in form.errors.values() for e in errs))
        return _refused(str(message))
    try:
        operations.change_member(
            g.project, current_user, membership, form.role.data, form.coordinator.data
        )
    except operations.LastCoordinator as exc:
        return _refused(str(exc))
    db.session.commit()
    return _after_change(_("Rôle de %(name)s mis à jour.", name=membership.user.name))


@bp.route("/<int:membership_id>/remove", methods=["POST"])
@requires("members.manage")
def remove(project_id: int, membership_id: int):
    membership = _membership(membership_id)
    name = membership.user.name
    try:
        operations.remove_member(g.project, current_user, membership)
    except operations.LastCoordinator as exc:
        return _refused(str(exc))
    db.session.commit()
    return _after_change(_("%(name)s a été retiré·e du projet.", name=name))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@requires("members.manage")
def revoke(project_id: int, invitation_id: int):
    invitation = _invitation(invitation_id)
    if invitation.revoked or invitation.accepted_at is not None:
        abort(409, _("Cette invitation n'est plus en attente."))
    operations.revoke_invitation(invitation, current_user)
    db.session.commit()
    return _after_change(_("Invitation de %(email)s annulée.", email=invitation.email))


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@requires("members.manage")
def resend(project_id: int, invitation_id: int):
    invitation = _invitation(invitation_id)
    if invitation.revoked or invitation.accepted_at is not None:
        abort(409, _("Cette invitation n'est plus en attente."))
    token = operations.resend_invitation(invitation, current_user)
    db.session.commit()
    sent = send_invitation_mail(invitation, token)
    toast(_("Nouveau lien d'invitation pour %(email)s.", email=invitation.email))
    if htmx:
        return render_template("members/_list.html", **_context(g.project, sent=sent))
    return render_template("members/index.html", **_context(g.project, sent=sent))
