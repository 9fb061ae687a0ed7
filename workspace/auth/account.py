"""Profile, password reset by e-mail and invitation acceptance.

Reset and invitation links carry a random token of which only the SHA-256 is stored; each is
single-use and expires (1 hour for a reset, 7 days for an invitation). Changing or resetting a
password bumps ``user.session_epoch``, which signs out every other session (the epoch is part
of the Flask-Login id, so old session and remember-me cookies stop matching).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from workspace import operations
from workspace.auth.credentials import hash_password, new_token, token_hash, verify_password
from workspace.auth.forms import EmailOnlyForm, PasswordChangeForm, ProfileForm, ResetPasswordForm
from workspace.auth.sessions import find_user, sign_out_elsewhere
from workspace.extensions import db
from workspace.members.forms import NEW_ORG, AcceptInvitationForm
from workspace.models import Invitation, Organisation, PasswordReset, User, utcnow
from workspace.notifications.mail import queue_mail
from workspace.web.feedback import toast

bp = Blueprint("account", __name__)

RESET_VALIDITY = timedelta(hours=1)


def _org_choices(form, new_option: bool = False) -> None:
    orgs = db.session.scalars(db.select(Organisation).order_by(Organisation.name))
    choices = [(o.id, o.name) for o in orgs]
    if new_option:
        choices.append((NEW_ORG, _("Autre organisation (à indiquer ci-dessous)")))
    form.organisation.choices = choices


# -- Profile ---------------------------------------------------------------------------------


def _profile_page(profile=None, password=None, status=200):
    if profile is None:
        profile = ProfileForm(obj=current_user, prefix="profile")
        profile.organisation.data = current_user.organisation_id
    _org_choices(profile)
    password = password or PasswordChangeForm(prefix="pw")
    page = render_template("account/profile.html", form=profile, password_form=password)
    return page, status


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    if request.method == "GET":
        return _profile_page()
    form = ProfileForm(prefix="profile")
    _org_choices(form)
    if not form.validate():
        return _profile_page(profile=form, status=400)
    current_user.name = form.name.data
    current_user.organisation_id = form.organisation.data
    current_user.locale = form.locale.data
    db.session.commit()
    with force_locale(current_user.locale):
        toast(_("Profil enregistré."))
    return redirect(url_for("account.profile"))


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordChangeForm(prefix="pw")
    if form.validate() and not verify_password(current_user.password_hash, form.current.data):
        form.current.errors = [_("Le mot de passe actuel est incorrect.")]
        return _profile_page(password=form, status=400)
    if form.errors:
        return _profile_page(password=form, status=400)
    current_user.password_hash = hash_password(form.password.data)
    sign_out_elsewhere(current_user)
    toast(_("Mot de passe modifié. Vos autres sessions ont été déconnectées."))
    return redirect(url_for("account.profile"))


@bp.route("/profile/sessions", methods=["POST"])
@login_required
def sign_out_everywhere():
    sign_out_elsewhere(current_user)
    toast(_("Vous avez été déconnecté·e de tous vos autres appareils."))
    return redirect(url_for("account.profile"))


# -- Password reset --------------------------------------------------------------------------


def _send_reset(user: User) -> None:
    token, digest = new_token()
    db.session.add(
        PasswordReset(user_id=user.id, token_hash=digest, expires_at=utcnow() + RESET_VALIDITY)
    )
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("account.reset", token=token)
    with force_locale("fr"):
        body = render_template("account/reset_mail.txt", user=user, link=link)
        queue_mail(user.email, _("Coopilote : réinitialiser votre mot de passe"), body)
    db.session.commit()  # the reset and its mail together


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = find_user(form.email.data.strip())
        if user is not None and user.active:
            _send_reset(user)
        # The same page whether the account exists or not (no enumeration).
        return render_template("account/reset_request.html", form=form, sent=True)
    status = 400 if form.errors else 200
    return render_template("account/reset_request.html", form=form, sent=False), status


def _link_gone(reason: str, status: int = 410, kind: str = "reset", invitation=None):
    page = render_template(
        "account/link_gone.html", reason=reason, kind=kind, invitation=invitation
    )
    return page, status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    entry = db.session.scalar(db.select(PasswordReset).filter_by(token_hash=token_hash(token)))
    if entry is None:
        return _link_gone("invalid", 404)
    if entry.used_at is not None:
        return _link_gone("used")
    if entry.expires_at <= utcnow():
        return _link_gone("expired")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = entry.user
        user.password_hash = hash_password(form.password.data)
        user.session_epoch = (user.session_epoch or 0) + 1
        # Every outstanding link of this account stops working, not only this one.
        for other in db.session.scalars(db.select(PasswordReset).filter_by(user_id=user.id)):
            other.used_at = other.used_at or utcnow()
        db.session.commit()
        toast(_("Mot de passe modifié. Vous pouvez vous connecter."))
        return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("account/reset_form.html", form=form), status


# -- Invitations -----------------------------------------------------------------------------


def _gone_reason(invitation: Invitation) -> str | None:
    if invitation.revoked:
        return "revoked"
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.expires_at <= utcnow():
        return "expired"
    return None


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    invitation = db.session.scalar(db.select(Invitation).filter_by(token_hash=token_hash(token)))
    if invitation is None:
        return _link_gone("invalid", 404, "invitation")
    reason = _gone_reason(invitation)
    if reason:
        return _link_gone(reason, 410, "invitation", invitation)
    if current_user.is_authenticated:
        return _accept_signed_in(invitation)
    if find_user(invitation.email) is not None:
        return render_template("account/invitation.html", invitation=invitation, state="login")
    return _accept_new_account(invitation)


def _accept_signed_in(invitation: Invitation):
    if current_user.email.lower() != invitation.email.lower():
        page = render_template("account/invitation.html", invitation=invitation, state="wrong")
        return page, 403
    if request.method == "GET":
        return render_template("account/invitation.html", invitation=invitation, state="confirm")
    try:
        operations.accept_invitation(invitation, current_user)
    except operations.AlreadyMember:
        db.session.rollback()
        page = render_template("account/invitation.html", invitation=invitation, state="member")
        return page, 409
    db.session.commit()
    toast(_("Bienvenue dans le projet « %(name)s ».", name=invitation.project.name))
    return redirect(url_for("projects.overview", project_id=invitation.project_id))


def _accept_new_account(invitation: Invitation):
    form = AcceptInvitationForm()
    _org_choices(form, new_option=True)
    # Nothing preselected: nobody lands in an organisation (or creates one) by accident.
    form.organisation.choices.insert(0, ("", _("— Choisissez votre organisation —")))
    if form.validate_on_submit():
        if form.organisation.data == NEW_ORG:
            org = Organisation(
                name=form.new_organisation.data, kind=form.new_organisation_kind.data
            )
            db.session.add(org)
        else:
            org = db.session.get(Organisation, form.organisation.data)
        user = User(
            email=invitation.email,
            name=form.name.data,
            organisation=org,
            password_hash=hash_password(form.password.data),
        )
        db.session.add(user)
        db.session.flush()
        operations.accept_invitation(invitation, user)
        db.session.commit()
        login_user(user)
        toast(_("Bienvenue dans le projet « %(name)s ».", name=invitation.project.name))
        return redirect(url_for("projects.overview", project_id=invitation.project_id))
    status = 400 if form.errors else 200
    page = render_template("account/invitation.html", invitation=invitation, state="new", form=form)
    return page, status
