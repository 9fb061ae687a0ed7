"""A request becomes a project in one step: the Pôle's adviser names it, the requester's
organisation becomes its first partner (found by name, else created), the adviser its
adviser, and the requester is invited as its coordinating director (e-mailed the link)."""

from __future__ import annotations

from flask import abort, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workspace import operations
from workspace.extensions import db
from workspace.models import Membership, Organisation, Stage, utcnow
from workspace.web.feedback import toast

from .forms import ConvertForm
from .models import IntakeRequest, IntakeStatus, NeedKind
from .views import QualifyForm, _detail, _pole_only, bp


def organisation_for(asked: IntakeRequest) -> Organisation:
    """The requester's organisation: the one of that name (any case), else a new one."""
    found = db.session.scalar(
        db.select(Organisation).where(
            db.func.lower(Organisation.name) == asked.organisation.lower()
        )
    )
    if found is not None:
        return found
    org = Organisation(name=asked.organisation, kind=asked.organisation_kind, town=asked.town)
    db.session.add(org)
    db.session.flush()
    return org


@bp.route("/pole/demandes/<int:request_id>/projet", methods=["POST"])
@login_required
def convert(request_id: int):
    _pole_only()
    asked = db.session.get(IntakeRequest, request_id) or abort(404)
    if asked.project_id is not None:
        abort(409, _("Cette demande est déjà devenue un projet."))
    form = ConvertForm()
    if not form.validate_on_submit():
        return _detail(asked, QualifyForm(formdata=None), convert=form), 400
    from workspace.members.views import send_invitation_mail

    stage = Stage.EMERGENCE if asked.need == NeedKind.INFORMATION else Stage.ACCOMPAGNEMENT
    partner = organisation_for(asked)
    project = operations.create_project(
        current_user,
        name=form.name.data,
        form=form.form.data,
        stage=stage.value,
        partners=[partner],
        summary=asked.message,
        territory=asked.town,
    )
    # The creator is made its coordinating director: the adviser is its adviser instead, and
    # the Pôle is not a partner.
    mine = db.session.scalar(
        db.select(Membership).filter_by(project_id=project.id, user_id=current_user.id)
    )
    mine.role, mine.coordinator = "adviser", False
    if current_user.organisation is not partner:
        project.partners = [partner]
    invitation, token = operations.invite(project, current_user, asked.email, "director", True)
    asked.project_id, asked.status = project.id, IntakeStatus.ACCOMPANIMENT.value
    asked.qualified_by_id, asked.qualified_at = current_user.id, utcnow()
    db.session.flush()
    g.project = project
    send_invitation_mail(invitation, token)  # commits
    toast(_("Projet créé ; %(email)s est invité à le coordonner.", email=asked.email))
    return redirect(url_for("projects.overview", project_id=project.id), 303)
