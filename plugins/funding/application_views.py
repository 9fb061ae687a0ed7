"""Applications' pages, on the calls' blueprint: a coordinator applies for a project (the
checklist first), the call's funder staff read, score and decide an application, and compare
a call's applications side by side. The staff need no membership of the projects: the call
is theirs (:func:`calls.manages`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Optional

from workspace.extensions import db
from workspace.forms.conflicts import check_version
from workspace.forms.fields import max_len, required, strip
from workspace.forms.submissions import once_per_submission
from workspace.web.feedback import toast
from workspace.web.uploads import send_stored

from . import aid_followup, application_ops, letters
from . import operations as ops
from .application_queries import (
    application_of,
    applications_of,
    coordinated_projects,
    granted_total,
    submission_checks,
)
from .applications import COMMENT_MAX, CRITERIA, FundingApplication
from .call_views import _call, bp
from .calls import manages
from .forms import MoneyField
from .models import TEXT_MAX

SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class ScoreForm(FlaskForm):
    """The scorer's mark and comment per criterion: ``score_<key>``, ``comment_<key>``."""


for _key, _label in CRITERIA:
    setattr(
        ScoreForm,
        f"score_{_key}",
        SelectField(_l("Note (1 à 5)"), choices=SCORE_CHOICES, validators=[Optional()]),
    )
    setattr(
        ScoreForm,
        f"comment_{_key}",
        TextAreaField(_l("Commentaire"), validators=[max_len(COMMENT_MAX)], filters=[strip]),
    )


FOLLOWUP_STEPS = ("payment", "justified", "groupement", "repayment")


class FollowupForm(FlaskForm):
    """A step of a granted aid's follow-up: its date, and the amount of a payment."""

    amount = MoneyField(_l("Montant versé (€)"), optional=True)
    on = DateField(_l("Date"), validators=[required()], render_kw={"type": "date"})


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Décision du comité"),
        choices=[("granted", _l("Accordée")), ("refused", _l("Refusée"))],
        validators=[Optional()],
    )
    amount_granted = MoneyField(_l("Montant accordé (€)"), optional=True)
    deadline = DateField(
        _l("Création du groupement avant le"),
        validators=[Optional()],
        render_kw={"type": "date"},
    )
    reason = TextAreaField(
        _l("Motif (obligatoire en cas de refus)"), validators=[max_len(TEXT_MAX)], filters=[strip]
    )
    version = HiddenField()


def _managed_application(call_id: int, application_id: int):
    call = _call(call_id)
    if not manages(current_user, call):
        abort(403)
    application = db.session.get(FundingApplication, application_id)
    if application is None or application.call_id != call.id:
        abort(404)
    return call, application


@bp.route("/appels/<int:call_id>/candidater", methods=["GET", "POST"])
@login_required
@once_per_submission("funding_calls.detail")
def apply(call_id: int):
    call = _call(call_id)
    projects = coordinated_projects(current_user)
    if not projects:
        abort(403)
    chosen = request.values.get("project", type=int)
    project = next((p for p in projects if p.id == chosen), None)
    if project is None and len(projects) == 1 and (chosen is None or request.method == "GET"):
        project = projects[0]  # a POST for another project must not fall back on this one
    context = {"call": call, "projects": projects, "applicant": project, "errors": {}}
    if project is not None:
        existing = application_of(call.id, project.id)
        if existing is not None:
            return redirect(url_for("funding.index", project_id=project.id) + "#applications")
        context["checks"] = submission_checks(call, project, date.today())
        if request.method == "POST":
            try:
                application_ops.submit(call, project, current_user, date.today())
            except ops.RuleBroken as exc:
                db.session.rollback()
                context["errors"] = exc.errors
                return render_template("funding/apply.html", **context), 422
            db.session.commit()
            toast(_("Candidature déposée : le financeur l'instruit."))
            return redirect(url_for("funding.index", project_id=project.id) + "#applications", 303)
    elif request.method == "POST":
        context["errors"] = {"project": _("Choisissez le projet qui candidate.")}
        return render_template("funding/apply.html", **context), 422
    return render_template("funding/apply.html", **context)


def _application_page(
    call, application, score_form=None, decision_form=None, followup_form=None, status=200
):
    mine = {s.criterion: s for s in application.scores if s.scorer_id == current_user.id}
    if score_form is None:
        score_form = ScoreForm(formdata=None)
        for key, _label in CRITERIA:
            if key in mine:
                getattr(score_form, f"score_{key}").data = str(mine[key].score)
                getattr(score_form, f"comment_{key}").data = mine[key].comment
    if decision_form is None:
        decision_form = DecisionForm(
            formdata=None,
            version=application.version,
            deadline=aid_followup.default_deadline(date.today()),
        )
    # One form per follow-up step, prefixed (distinct ids); the one posted keeps its errors.
    followup_forms = {
        step: FollowupForm(formdata=None, prefix=step, on=date.today()) for step in FOLLOWUP_STEPS
    }
    if followup_form is not None:
        followup_forms[followup_form._prefix.rstrip("-")] = followup_form
    project = application.project
    return render_template(
        "funding/application.html",
        call=call,
        application=application,
        criteria=ops.criteria_of(project),
        criteria_labels=CRITERIA,
        score_form=score_form,
        decision_form=decision_form,
        followup_forms=followup_forms,
        remaining=call.envelope - granted_total(call.id),
        agreement_on=application_ops.agreement_on(project) or application.agreement_on,
        documents=application.line.documents if application.line is not None else [],
    ), status


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>")
@login_required
def application(call_id: int, application_id: int):
    return _application_page(*_managed_application(call_id, application_id))


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/pieces/<int:document_id>")
@login_required
def document(call_id: int, application_id: int, document_id: int):
    _unused, application = _managed_application(call_id, application_id)
    line = application.line
    doc = next((d for d in (line.documents if line else []) if d.id == document_id), None)
    if doc is None:
        abort(404)
    return send_stored(doc.file)


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/notes", methods=["POST"])
@login_required
def score(call_id: int, application_id: int):
    call, application = _managed_application(call_id, application_id)
    form = ScoreForm()
    if form.validate_on_submit():
        marks = {
            key: (
                int(getattr(form, f"score_{key}").data),
                getattr(form, f"comment_{key}").data or "",
            )
            for key, _label in CRITERIA
            if getattr(form, f"score_{key}").data
        }
        if not marks:
            form.form_errors.append(_("Donnez au moins une note."))
        else:
            try:
                application_ops.save_scores(application, current_user, marks)
            except ops.RuleBroken as exc:
                db.session.rollback()
                form.form_errors.extend(exc.errors.values())
            else:
                db.session.commit()
                toast(_("Notation enregistrée."))
                return redirect(
                    url_for(".application", call_id=call.id, application_id=application.id), 303
                )
    return _application_page(call, application, score_form=form, status=422)


@bp.route("/appels/<int:call_id>/candidatures/<int:application_id>/decision", methods=["POST"])
@login_required
def decision(call_id: int, application_id: int):
    call, application = _managed_application(call_id, application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        if not form.decision.data:
            form.decision.errors = [_("Choisissez : accordée ou refusée.")]
        else:
            check_version(
                application,
                form.version.data,
                {_("Décision du comité"): application.status_enum.label},
                form=form,
            )
            try:
                application_ops.decide(
                    application,
                    current_user,
                    date.today(),
                    granted=form.decision.data == "granted",
                    amount=form.amount_granted.data,
                    reason=form.reason.data or "",
                    deadline=form.deadline.data,
                )
                letters.ask_letter(application, current_user)
            except ops.RuleBroken as exc:
                db.session.rollback()
                for name, message in exc.errors.items():
                    field = getattr(form, name, None)
                    if field is not None and name != "decision":
                        field.errors = [*field.errors, message]
                    else:
                        form.form_errors.append(message)
            else:
                db.session.commit()
                toast(
                    _(
                        "Décision enregistrée ; la coordination du projet est prévenue. La "
                        "lettre de notification est en préparation."
                    )
                )
                return redirect(
                    url_for(".application", call_id=call.id, application_id=application.id), 303
                )
    return _application_page(call, application, decision_form=form, status=422)


@bp.route("/appels/<int:call_id>/comparaison")
@login_required
def comparison(call_id: int):
    call = _call(call_id)
    if not manages(current_user, call):
        abort(403)
    applications = applications_of(call.id)
    granted = granted_total(call.id)
    # The agreement as recorded now (a milestone's validation may be redated), else as applied.
    recorded = application_ops.agreement_dates([a.project for a in applications])
    agreements = {a.id: recorded.get(a.project_id) or a.agreement_on for a in applications}
    return render_template(
        "funding/comparison.html",
        call=call,
        applications=applications,
        criteria_labels=CRITERIA,
        agreements=agreements,
        granted=granted,
        remaining=call.envelope - granted,
        requested=sum((a.amount for a in applications), Decimal("0.00")),
    )
