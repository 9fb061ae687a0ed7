"""The public request form (no account needed) and the Pôle's inbox (``intake.manage``).

A request is kept whole as written, the Pôle's advisers are notified, the requester gets an
acknowledgement by e-mail; an adviser then qualifies it (information, accompaniment, no
follow-up) with a note, and the requester is told. The form is rate-limited per address
(``RATELIMIT_INTAKE_IP``) and carries a honeypot field: a robot that fills it is thanked and
nothing is kept.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from workspace.extensions import db
from workspace.forms.fields import max_len, required, strip
from workspace.models import User, utcnow
from workspace.notifications import center
from workspace.notifications.mail import queue_mail
from workspace.permissions import can
from workspace.web.feedback import toast

from .forms import IntakeForm, convert_form
from .models import IntakeRequest, IntakeStatus

bp = Blueprint("intake", __name__)


@bp.route("/demande", methods=["GET", "POST"])
def request_form():
    form = IntakeForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.contact_name.data = form.contact_name.data or current_user.name
        form.email.data = form.email.data or current_user.email
        form.organisation.data = form.organisation.data or current_user.organisation.name
    if request.method == "POST":
        if form.website.data:  # the honeypot: a robot is thanked, nothing is kept
            return redirect(url_for("intake.thanks"), 303)
        if form.validate_on_submit():
            asked = _record(form)
            db.session.commit()
            session["intake_email"] = asked.email
            return redirect(url_for("intake.thanks"), 303)
        return render_template("intake/form.html", form=form), 400
    return render_template("intake/form.html", form=form)


def _record(form: IntakeForm) -> IntakeRequest:
    asked = IntakeRequest(locale=str(get_locale() or "fr")[:5])
    for name in ("need", "organisation", "organisation_kind", "town", "contact_name", "email"):
        setattr(asked, name, getattr(form, name).data or "")
    asked.phone, asked.message = form.phone.data or "", form.message.data
    asked.partners = form.partners.data or ""
    db.session.add(asked)
    db.session.flush()
    center.notify(
        advisers(),
        "intake_new",
        None,
        _l("Nouvelle demande de %(org)s : %(need)s", org=asked.organisation, need=asked.need_label),
        url_for("intake.detail", request_id=asked.id),
        detail=asked.message,
    )
    with force_locale(asked.locale):
        body = render_template("intake/ack_mail.txt", asked=asked)
        queue_mail(asked.email, _("Coopilote : votre demande au Pôle est bien reçue"), body)
    return asked


def advisers() -> list[int]:
    """The Pôle's advisers: active members of network organisations."""
    from workspace.models import Organisation

    return list(
        db.session.scalars(
            db.select(User.id)
            .join(Organisation, User.organisation_id == Organisation.id)
            .where(Organisation.kind == "network", User.active.is_(True))
        )
    )


@bp.route("/demande/merci")
def thanks():
    return render_template("intake/thanks.html", email=session.pop("intake_email", None))


def _pole_only() -> None:
    if not can(current_user, None, "intake.manage"):
        abort(403)


@bp.route("/pole/demandes")
@login_required
def inbox():
    _pole_only()
    status = request.args.get("status", "")
    if status and status not in {s.value for s in IntakeStatus}:
        status = ""
    counts = dict(
        db.session.execute(
            db.select(IntakeRequest.status, db.func.count()).group_by(IntakeRequest.status)
        ).all()
    )
    query = db.select(IntakeRequest).order_by(IntakeRequest.created_at.desc())
    if status:
        query = query.where(IntakeRequest.status == status)
    rows = db.session.scalars(query.limit(500)).all()
    return render_template(
        "intake/inbox.html", rows=rows, status=status, counts=counts, statuses=IntakeStatus
    )


class QualifyForm(FlaskForm):
    status = SelectField(
        _l("Suite donnée"),
        choices=[
            ("", _l("— Choisir —")),
            *((s.value, s.label) for s in IntakeStatus if s is not IntakeStatus.NEW),
        ],
        validators=[required()],
    )
    note = TextAreaField(
        _l("Note du Pôle (transmise au demandeur)"), filters=[strip], validators=[max_len(2000)]
    )


@bp.route("/pole/demandes/<int:request_id>", methods=["GET", "POST"])
@login_required
def detail(request_id: int):
    _pole_only()
    asked = db.session.get(IntakeRequest, request_id) or abort(404)
    form = QualifyForm(obj=asked if asked.status != IntakeStatus.NEW.value else None)
    if request.method == "POST":
        if not form.validate_on_submit():
            return _detail(asked, form), 400
        asked.status, asked.note = form.status.data, form.note.data or ""
        asked.qualified_by_id, asked.qualified_at = current_user.id, utcnow()
        with force_locale(asked.locale):
            body = render_template("intake/outcome_mail.txt", asked=asked)
            queue_mail(asked.email, _("Coopilote : la suite donnée à votre demande"), body)
        db.session.commit()
        toast(
            _(
                "Demande qualifiée : %(status)s. Le demandeur en est informé.",
                status=asked.status_label,
            )
        )
        return redirect(url_for("intake.inbox"), 303)
    return _detail(asked, form)


def _detail(asked: IntakeRequest, form: QualifyForm, convert=None) -> str:
    """A request's page: what was asked, its qualification, and (until it is one, unless
    declined) the form that turns it into a project."""
    if convert is None and asked.project_id is None:
        convert = convert_form(asked)
    return render_template("intake/detail.html", asked=asked, form=form, convert=convert)
