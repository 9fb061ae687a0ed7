"""Measurements and reviews: enter, edit, review (evaluators only), answer, override status."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workspace.extensions import db, htmx
from workspace.forms.conflicts import check_version
from workspace.permissions import requires
from workspace.web.feedback import toast
from workspace.web.uploads import UploadError, store_upload

from . import operations
from .forms import AnswerForm, MeasurementEditForm, MeasurementForm, OverrideForm, ReviewForm
from .models import Measurement, Review
from .values import format_value, parse_period, parse_value, period_example
from .views import bp, detail_context, get_indicator, render_detail

requires_edit = requires("indicators.edit")
requires_review = requires("indicators.review")


def get_measurement(project_id: int, indicator_id: int, measurement_id: int):
    ind = get_indicator(project_id, indicator_id)
    m = db.session.get(Measurement, measurement_id)
    if m is None or m.indicator_id != ind.id:
        abort(404)
    return ind, m


def _parse(form, ind) -> dict | None:
    """Typed values of a measurement form; errors are attached to the fields (None then)."""
    out: dict = {"values": {}}
    ok = form.validate_on_submit()
    if form.value.data and not form.value.errors:
        try:
            out["value"] = parse_value(ind.kind, form.value.data)
        except ValueError as exc:
            form.value.errors = [*form.value.errors, str(exc)]
            ok = False
    if getattr(form, "period", None) is not None and form.period.data and not form.period.errors:
        try:
            out["period"], out["period_end"] = parse_period(ind.frequency, form.period.data)
        except ValueError as exc:
            form.period.errors = [*form.period.errors, str(exc)]
            ok = False
    form.org_errors = {}
    if ind.breakdown:
        for org in g.project.partners:
            raw = (request.form.get(f"org_{org.id}") or "").strip()[:30]
            if not raw:
                continue
            try:
                out["values"][org.id] = parse_value(ind.kind, raw)
            except ValueError as exc:
                form.org_errors[org.id] = str(exc)
                ok = False
    if ok and form.evidence.data and getattr(form.evidence.data, "filename", ""):
        try:
            out["evidence_file"] = store_upload(g.project, form.evidence.data, current_user)
        except UploadError as exc:
            form.evidence.errors = [str(exc)]
            ok = False
    return out if ok else None


def _texts(form) -> dict:
    return {"comment": form.comment.data or "", "evidence_note": form.evidence_note.data or ""}


@bp.route("/<int:indicator_id>/measurements", methods=["POST"])
@requires_edit
def add_measurement(project_id: int, indicator_id: int):
    ind = get_indicator(project_id, indicator_id)
    form = MeasurementForm()
    data = _parse(form, ind)
    if data is not None:
        try:
            operations.add_measurement(ind, current_user, **data, **_texts(form))
        except operations.DuplicatePeriod:
            form.period.errors = [
                *form.period.errors,
                _("Une mesure existe déjà pour cette période."),
            ]
            db.session.rollback()
        else:
            db.session.commit()
            toast(_("Mesure enregistrée."))
            return redirect(url_for(".detail", project_id=project_id, indicator_id=ind.id))
    db.session.rollback()
    return render_detail(ind, detail_context(ind, form=form)), 400


@bp.route("/<int:indicator_id>/measurements/<int:measurement_id>/edit", methods=["GET", "POST"])
@requires_edit
def edit_measurement(project_id: int, indicator_id: int, measurement_id: int):
    ind, m = get_measurement(project_id, indicator_id, measurement_id)
    form = MeasurementEditForm(obj=m) if request.method == "GET" else MeasurementEditForm()
    if request.method == "GET":
        form.value.data = _plain(ind, m.value)
    form.org_errors = {}
    if request.method == "POST":
        data = _parse(form, ind)
        if data is not None:
            check_version(
                m,
                request.form.get("version"),
                {_("Valeur"): format_value(ind.kind, m.value, ind.unit)},
                form=form,
            )
            operations.update_measurement(m, current_user, **data, **_texts(form))
            db.session.commit()
            toast(_("Mesure modifiée ; elle sera examinée à nouveau."))
            return redirect(
                url_for(".detail", project_id=project_id, indicator_id=ind.id)
                + f"#measurement-{m.id}"
            )
        db.session.rollback()
    org_values = {v.organisation_id: _plain(ind, v.value) for v in m.values}
    if request.method == "POST":
        org_values = {o.id: request.form.get(f"org_{o.id}", "")[:30] for o in g.project.partners}
    status = 400 if form.errors or form.org_errors else 200
    return render_template(
        "indicators/measurement_form.html",
        indicator=ind,
        measurement=m,
        form=form,
        org_values=org_values,
        example=period_example(ind.frequency),
    ), status


def _plain(ind, value) -> str:
    from .views import _plain as plain

    return plain(value, ind.kind)


def card(ind, m):
    """The measurement card fragment (what htmx swaps and live refreshes fetch)."""
    return render_template("indicators/_measurement.html", m=m, **detail_context(ind))


@bp.route("/<int:indicator_id>/measurements/<int:measurement_id>")
@requires("indicators.view")
def measurement_card(project_id: int, indicator_id: int, measurement_id: int):
    ind, m = get_measurement(project_id, indicator_id, measurement_id)
    if not htmx:
        return redirect(
            url_for(".detail", project_id=project_id, indicator_id=ind.id) + f"#measurement-{m.id}"
        )
    return card(ind, m)


@bp.route("/<int:indicator_id>/measurements/<int:measurement_id>/review", methods=["POST"])
@requires_review
def review_measurement(project_id: int, indicator_id: int, measurement_id: int):
    ind, m = get_measurement(project_id, indicator_id, measurement_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _rerender(ind, m, f"m{m.id}", form)
    operations.review(ind, current_user, form.decision.data, (form.text.data or "").strip(), m)
    db.session.commit()
    toast(_("Avis enregistré."))
    return _done(ind, m)


@bp.route("/<int:indicator_id>/reviews/<int:review_id>/answer", methods=["POST"])
@requires_edit
def answer(project_id: int, indicator_id: int, review_id: int):
    ind = get_indicator(project_id, indicator_id)
    row = db.session.get(Review, review_id)
    if row is None or row.indicator_id != ind.id:
        abort(404)
    if row.decision != "questioned":
        abort(400, _("Seule une question appelle une réponse."))
    m = db.session.get(Measurement, row.measurement_id) if row.measurement_id else None
    form = AnswerForm()
    if not form.validate_on_submit():
        return _rerender(ind, m, f"a{row.id}", form)
    operations.answer(row, current_user, form.text.data.strip())
    db.session.commit()
    toast(_("Réponse envoyée à l'évaluation."))
    return _done(ind, m)


def _done(ind, m):
    if htmx and m is not None:
        return card(ind, m)
    anchor = f"#measurement-{m.id}" if m else "#reviews"
    return redirect(url_for(".detail", project_id=ind.project_id, indicator_id=ind.id) + anchor)


def _rerender(ind, m, key: str, form):
    """A refused review, answer or status form, shown again with its messages (400)."""
    errors = {key: [e for errs in form.errors.values() for e in errs]}
    typed = {f"{key}:{name}": str(f.data or "")[:5000] for name, f in form._fields.items()}
    if key == "status":
        ctx = detail_context(ind)
        ctx["override_form"] = form
        return render_detail(ind, ctx), 400
    if htmx and m is not None:
        return render_template(
            "indicators/_measurement.html", m=m, **detail_context(ind, errors=errors, typed=typed)
        ), 400
    return render_detail(ind, detail_context(ind, errors=errors, typed=typed)), 400


@bp.route("/<int:indicator_id>/review", methods=["POST"])
@requires_review
def review_indicator(project_id: int, indicator_id: int):
    ind = get_indicator(project_id, indicator_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _rerender(ind, None, "ind", form)
    operations.review(ind, current_user, form.decision.data, (form.text.data or "").strip())
    db.session.commit()
    toast(_("Avis enregistré."))
    return _done(ind, None)


@bp.route("/<int:indicator_id>/status", methods=["POST"])
@requires_review
def override(project_id: int, indicator_id: int):
    ind = get_indicator(project_id, indicator_id)
    form = OverrideForm()
    if not form.validate_on_submit():
        return _rerender(ind, None, "status", form)
    operations.override_status(
        ind, current_user, form.status.data or None, (form.reason.data or "").strip()
    )
    db.session.commit()
    toast(_("Statut enregistré."))
    return _done(ind, None)
