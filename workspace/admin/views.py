"""Site administration: organisations and accounts (site admins only, others get 403).

Site admins manage people and organisations; they see no project content unless they are
members of the project (the permission check knows nothing of the admin flag).
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workspace.admin.forms import CREATION_CHOICE, OrganisationForm, UserForm
from workspace.auth.credentials import hash_password
from workspace.extensions import db
from workspace.models import Organisation, User
from workspace.web.feedback import toast

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/")
@admin_required
def index():
    return redirect(url_for("admin.organisations"))


# -- Organisations ---------------------------------------------------------------------------


@bp.route("/organisations")
@admin_required
def organisations():
    orgs = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    counts = dict(
        db.session.execute(
            db.select(User.organisation_id, db.func.count()).group_by(User.organisation_id)
        ).all()
    )
    return render_template("admin/organisations.html", organisations=orgs, counts=counts)


def _save_org(org: Organisation, form: OrganisationForm) -> None:
    org.name = form.name.data
    org.kind = form.kind.data
    org.town = (form.town.data or "").strip()
    org.color = form.color.data.lower()
    org.siret = form.siret.data or None


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_required
def organisation_new():
    form = OrganisationForm()
    if form.validate_on_submit():
        org = Organisation()
        _save_org(org, form)
        db.session.add(org)
        db.session.commit()
        toast(_("Organisation « %(name)s » créée.", name=org.name))
        return redirect(url_for("admin.organisations"))
    status = 400 if form.errors else 200
    return render_template("admin/organisation_form.html", form=form, org=None), status


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@admin_required
def organisation_edit(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    form = OrganisationForm(obj=org, current=org)
    if form.validate_on_submit():
        _save_org(org, form)
        db.session.commit()
        toast(_("Organisation « %(name)s » enregistrée.", name=org.name))
        return redirect(url_for("admin.organisations"))
    status = 400 if form.errors else 200
    return render_template("admin/organisation_form.html", form=form, org=org), status


# -- Accounts --------------------------------------------------------------------------------


@bp.route("/users")
@admin_required
def users():
    people = db.session.scalars(db.select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=people)


def _save_user(user: User, form: UserForm) -> None:
    user.email = form.email.data
    user.name = form.name.data
    user.organisation_id = form.organisation_id.data
    user.may_create_projects = {v: k for k, v in CREATION_CHOICE.items()}[
        form.project_creation.data
    ]
    if form.password.data:
        user.password_hash = hash_password(form.password.data)
        user.session_epoch = (user.session_epoch or 0) + 1


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = UserForm()
    if form.validate_on_submit():
        user = User(active=form.active.data, is_admin=form.is_admin.data)
        _save_user(user, form)
        db.session.add(user)
        db.session.commit()
        toast(_("Compte de %(name)s créé.", name=user.name))
        return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, current=user)
    if form.validate_on_submit():
        if user.id == current_user.id and not (form.active.data and form.is_admin.data):
            form.is_admin.errors.append(
                _("Vous ne pouvez pas retirer vos propres droits ni désactiver votre compte.")
            )
        else:
            _save_user(user, form)
            user.active, user.is_admin = form.active.data, form.is_admin.data
            db.session.commit()
            toast(_("Compte de %(name)s enregistré.", name=user.name))
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def user_deactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(400, _("Vous ne pouvez pas désactiver votre propre compte."))
    user.active = False
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.commit()
    toast(_("Compte de %(name)s désactivé.", name=user.name))
    return redirect(url_for("admin.users"))
