"""The follow-up of a granted aid on the application's page, by the call's funder staff:
the notification letter (a background job), payments, justification, the groupement's
creation, the repayment. Each form answers 422 with its French message, nothing saved."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workspace.extensions import db
from workspace.web.feedback import toast
from workspace.web.uploads import send_stored

from . import aid_followup, letters
from . import operations as ops
from .application_views import FollowupForm, _application_page, _managed_application
from .call_views import bp


def _done(call, application, message: str):
    db.session.commit()
    toast(message)
    return redirect(
        url_for(".application", call_id=call.id, application_id=application.id) + "#followup",
        303,
    )


def _step(step: str, call_id: int, application_id: int, run, message: str):
    call, application = _managed_application(call_id, application_id)
    form = FollowupForm(prefix=step)
    if form.validate_on_submit():
        try:
            run(application, form)
        except ops.RuleBroken as exc:
            db.session.rollback()
            form.form_errors.extend(exc.errors.values())
        else:
            return _done(call, application, message)
    return _application_page(call, application, followup_form=form, status=422)


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/versements", methods=["POST"])
@login_required
def payment(call_id: int, application_id: int):
    def run(application, form):
        aid_followup.record_payment(application, current_user, form.amount.data, form.on.data)

    return _step("payment", call_id, application_id, run, _("Versement enregistré."))


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/justification", methods=["POST"])
@login_required
def justified(call_id: int, application_id: int):
    def run(application, form):
        aid_followup.mark_justified(application, current_user, form.on.data)

    return _step("justified", call_id, application_id, run, _("Justification enregistrée."))


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/groupement", methods=["POST"])
@login_required
def groupement(call_id: int, application_id: int):
    def run(application, form):
        aid_followup.record_groupement(application, current_user, form.on.data, date.today())

    return _step(
        "groupement", call_id, application_id, run, _("Création du groupement enregistrée.")
    )


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/remboursement", methods=["POST"])
@login_required
def repayment(call_id: int, application_id: int):
    def run(application, form):
        aid_followup.record_repayment(application, current_user, form.on.data)

    return _step("repayment", call_id, application_id, run, _("Remboursement enregistré."))


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/lettre", methods=["POST"])
@login_required
def ask_letter(call_id: int, application_id: int):
    """Build the letter again (after a correction, or if its job failed)."""
    _unused, application = _managed_application(call_id, application_id)
    if application.pending:
        abort(409)
    job = letters.ask_letter(application, current_user)
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/lettre.pdf")
@login_required
def letter(call_id: int, application_id: int):
    _unused, application = _managed_application(call_id, application_id)
    if application.letter is None:
        abort(404)
    return send_stored(application.letter)


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/justificatifs/<int:expense_id>")
@login_required
def receipt(call_id: int, application_id: int, expense_id: int):
    _unused, application = _managed_application(call_id, application_id)
    line = application.line
    expense = next((e for e in (line.expenses if line else []) if e.id == expense_id), None)
    if expense is None or expense.file is None:
        abort(404)
    return send_stored(expense.file)
