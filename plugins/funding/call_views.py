"""The calls' pages: ``/appels`` (every signed-in person: the calls open or closed; the
funder's staff: theirs to come as well), a call's page, and its creation and edition by the
funder's staff (``calls.manage``, their organisation's calls only)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from workspace.cache.small import render_small
from workspace.extensions import db
from workspace.forms.conflicts import check_version
from workspace.forms.submissions import once_per_submission
from workspace.permissions import can
from workspace.web.feedback import toast

from .application_queries import (
    application_of,
    applications_of,
    coordinated_projects,
    granted_total,
)
from .calls import CallForm, FundingCall, call_journal, calls_for, log_call, manages, visible
from .rules import AID_MAX, AID_MIN

bp = Blueprint("funding_calls", __name__, template_folder="templates")


@bp.context_processor
def _aid_bounds() -> dict:
    return {"aid_min": AID_MIN, "aid_max": AID_MAX}


def _call(call_id: int) -> FundingCall:
    call = db.session.get(FundingCall, call_id)
    if call is None or not visible(current_user, call, date.today()):
        abort(404)
    return call


@bp.route("/appels")
@login_required
def index():
    today = date.today()
    calls = calls_for(current_user, today)
    return render_template("funding/calls.html", calls=calls, today=today)


@bp.route("/appels/nouveau", methods=["GET", "POST"])
@login_required
@once_per_submission("funding_calls.index")
def create():
    if not can(current_user, None, "calls.manage"):
        abort(403)
    form = CallForm()
    if form.validate_on_submit():
        call = FundingCall(
            funder_id=current_user.organisation_id, created_by_id=current_user.id, **form.values()
        )
        db.session.add(call)
        db.session.flush()
        log_call(call.id, current_user, _l("a ouvert l'appel « %(t)s »", t=call.title))
        db.session.commit()
        toast(_("Appel enregistré."))
        return redirect(url_for(".detail", call_id=call.id), 303)
    status = 400 if form.errors else 200
    return render_template("funding/call_form.html", form=form, call=None), status


@bp.route("/appels/<int:call_id>")
@login_required
def detail(call_id: int):
    call = _call(call_id)
    today = date.today()
    managing = manages(current_user, call)
    applications = applications_of(call.id) if managing else []
    granted = granted_total(call.id) if managing else None
    projects = coordinated_projects(current_user)
    mine = [a for p in projects if (a := application_of(call.id, p.id)) is not None]
    return render_template(
        "funding/call.html",
        call=call,
        today=today,
        manages=managing,
        applications=applications,
        granted=granted,
        coordinated=projects,
        mine=mine,
        journal=call_journal(call.id) if managing else [],
    )


@bp.route("/appels/<int:call_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(call_id: int):
    call = _call(call_id)
    if not manages(current_user, call):
        abort(403)
    form = CallForm(obj=call)
    if form.validate_on_submit():
        check_version(call, request.form.get("version"), {_("Intitulé"): call.title}, form=form)
        for name, value in form.values().items():
            setattr(call, name, value)
        log_call(call.id, current_user, _l("a modifié l'appel"))
        db.session.commit()
        toast(_("Appel enregistré."))
        return redirect(url_for(".detail", call_id=call.id), 303)
    status = 400 if form.errors else 200
    return render_template("funding/call_form.html", form=form, call=call), status


def user_menu(**_kw) -> str:
    """Hook ``user_menu``: the calls, in the menu under the person's name."""
    return render_small("funding/_calls_menu.html")
