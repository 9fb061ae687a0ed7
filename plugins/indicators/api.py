"""Indicator resources of the REST API: indicators (read), measurements (read, add, edit) and
the evaluators' reviews (read, add).

Values are parsed by the same functions as the forms (``values.parse_value`` and
``parse_period``: typed values, periods on the indicator's grid) and saved by the same
operations (a changed figure is examined again; events notify the directors).
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.core import check_if_match, endpoint, get_or_404, item, page
from workspace.api.errors import ApiError
from workspace.api.fields import F, Resource
from workspace.extensions import db
from workspace.models import Area

from . import operations as ops
from .models import Decision, Direction, Frequency, Indicator, Kind, Measurement, Review
from .values import parse_period, parse_value

api_bp = Blueprint("indicators_api", __name__)

DECISIONS = tuple(d.value for d in Decision)

INDICATOR = Resource(
    "Indicator",
    {
        "id": F("integer", read_only=True),
        "name": F("string", read_only=True),
        "definition": F("text", read_only=True),
        "area": F("enum", read_only=True, choices=tuple(a.value for a in Area)),
        "kind": F("enum", read_only=True, choices=tuple(k.value for k in Kind)),
        "unit": F("string", read_only=True),
        "direction": F("enum", read_only=True, choices=tuple(d.value for d in Direction)),
        "baseline_value": F("decimal", read_only=True),
        "baseline_date": F("date", read_only=True),
        "target_value": F("decimal", read_only=True),
        "target_max": F("decimal", read_only=True, nullable=True),
        "target_date": F("date", read_only=True),
        "frequency": F("enum", read_only=True, choices=tuple(f.value for f in Frequency)),
        "review_status": F("enum", read_only=True, choices=DECISIONS),
        "version": F("integer", read_only=True),
    },
    "An indicator of the project, with its baseline and target.",
)

MEASUREMENT = Resource(
    "Measurement",
    {
        "id": F("integer", read_only=True),
        "indicator_id": F("integer", read_only=True),
        "period": F(
            "string", required=True, max_length=10, description="2026-03, 2026-T1, 2026-S1, 2026"
        ),
        "period_end": F("date", read_only=True),
        "value": F("string", required=True, max_length=30, description="As typed: 12,5 or oui"),
        "comment": F("text", max_length=5000),
        "evidence_note": F("string", max_length=500),
        "review_status": F("enum", read_only=True, choices=DECISIONS),
        "version": F("integer", read_only=True),
        "created_at": F("datetime", read_only=True),
        "updated_at": F("datetime", read_only=True),
    },
    "The value of an indicator for one period.",
)
MEASUREMENT.fields["value"].source = lambda m: str(m.value)

REVIEW = Resource(
    "IndicatorReview",
    {
        "id": F("integer", read_only=True),
        "indicator_id": F("integer", read_only=True),
        "measurement_id": F("integer", nullable=True, description="Absent: on the indicator"),
        "decision": F("enum", required=True, choices=DECISIONS[1:]),
        "text": F("text", max_length=5000),
        "reviewer_id": F("integer", read_only=True),
        "created_at": F("datetime", read_only=True),
    },
    "An evaluator's decision on an indicator or one of its measurements.",
)


def _invalid(errors: dict):
    raise ApiError(400, _("Certaines informations sont invalides."), errors)


def _value(ind: Indicator, raw: str):
    try:
        return parse_value(ind.kind, raw)
    except ValueError as exc:
        _invalid({"value": str(exc)})


@endpoint(
    api_bp,
    "/indicators",
    summary="Indicators",
    tag="indicators",
    permission="indicators.view",
    response=INDICATOR,
    many=True,
    query={"area": INDICATOR.fields["area"]},
)
def indicators(project_id: int, args):
    stmt = db.select(Indicator).filter_by(project_id=project_id)
    if "area" in args:
        stmt = stmt.where(Indicator.area == args["area"])
    return page(stmt, Indicator.id, args, INDICATOR)


@endpoint(
    api_bp,
    "/indicators/<int:indicator_id>",
    summary="One indicator",
    tag="indicators",
    permission="indicators.view",
    response=INDICATOR,
)
def indicator(project_id: int, indicator_id: int):
    return item(get_or_404(Indicator, indicator_id, project_id), INDICATOR)


@endpoint(
    api_bp,
    "/indicators/<int:indicator_id>/measurements",
    summary="Measurements",
    tag="indicators",
    permission="indicators.view",
    response=MEASUREMENT,
    many=True,
)
def measurements(project_id: int, indicator_id: int, args):
    get_or_404(Indicator, indicator_id, project_id)
    stmt = db.select(Measurement).filter_by(indicator_id=indicator_id)
    return page(stmt, Measurement.id, args, MEASUREMENT)


@endpoint(
    api_bp,
    "/indicators/<int:indicator_id>/measurements",
    "POST",
    summary="Record the value of a period",
    tag="indicators",
    permission="indicators.edit",
    body=MEASUREMENT,
    response=MEASUREMENT,
    status=201,
    name="add_measurement",
)
def add_measurement(project_id: int, indicator_id: int, data):
    ind = get_or_404(Indicator, indicator_id, project_id)
    value = _value(ind, data["value"])
    try:
        period, period_end = parse_period(ind.frequency, data["period"])
    except ValueError as exc:
        _invalid({"period": str(exc)})
    try:
        m = ops.add_measurement(
            ind,
            current_user,
            period=period,
            period_end=period_end,
            value=value,
            comment=data.get("comment", ""),
            evidence_note=data.get("evidence_note", ""),
        )
    except ops.DuplicatePeriod:
        db.session.rollback()
        raise ApiError(409, _("Une mesure existe déjà pour cette période.")) from None
    db.session.commit()
    return item(m, MEASUREMENT, 201)


def _measurement(project_id: int, indicator_id: int, measurement_id: int):
    ind = get_or_404(Indicator, indicator_id, project_id)
    m = db.session.get(Measurement, measurement_id)
    if m is None or m.indicator_id != ind.id:
        raise ApiError(404)
    return ind, m


@endpoint(
    api_bp,
    "/indicators/<int:indicator_id>/measurements/<int:measurement_id>",
    summary="One measurement",
    tag="indicators",
    permission="indicators.view",
    response=MEASUREMENT,
)
def measurement(project_id: int, indicator_id: int, measurement_id: int):
    return item(_measurement(project_id, indicator_id, measurement_id)[1], MEASUREMENT)


@endpoint(
    api_bp,
    "/indicators/<int:indicator_id>/measurements/<int:measurement_id>",
    "PATCH",
    summary="Correct a measurement (it is examined again)",
    tag="indicators",
    permission="indicators.edit",
    body=MEASUREMENT,
    partial=True,
    response=MEASUREMENT,
    if_match=True,
    name="update_measurement",
)
def update_measurement(project_id: int, indicator_id: int, measurement_id: int, data):
    ind, m = _measurement(project_id, indicator_id, measurement_id)
    check_if_match(m, MEASUREMENT)
    if "period" in data and data["period"] != m.period:
        _invalid({"period": _("La période d'une mesure ne se change pas.")})
    value = _value(ind, data["value"]) if "value" in data else m.value
    ops.update_measurement(
        m,
        current_user,
        value=value,
        values={v.organisation_id: v.value for v in m.values},
        comment=data.get("comment", m.comment),
        evidence_note=data.get("evidence_note", m.evidence_note),
    )
    db.session.commit()
    return item(m, MEASUREMENT)


@endpoint(
    api_bp,
    "/indicators/<int:indicator_id>/reviews",
    summary="Reviews of an indicator",
    tag="indicators",
    permission="indicators.view",
    response=REVIEW,
    many=True,
)
def reviews(project_id: int, indicator_id: int, args):
    get_or_404(Indicator, indicator_id, project_id)
    stmt = db.select(Review).filter_by(indicator_id=indicator_id)
    return page(stmt, Review.id, args, REVIEW)


@endpoint(
    api_bp,
    "/indicators/<int:indicator_id>/reviews",
    "POST",
    summary="Accept, question or reject (evaluators)",
    tag="indicators",
    permission="indicators.review",
    body=REVIEW,
    response=REVIEW,
    status=201,
    name="add_review",
)
def add_review(project_id: int, indicator_id: int, data):
    ind = get_or_404(Indicator, indicator_id, project_id)
    target = None
    if data.get("measurement_id") is not None:
        target = db.session.get(Measurement, data["measurement_id"])
        if target is None or target.indicator_id != ind.id:
            _invalid({"measurement_id": _("Mesure inconnue pour cet indicateur.")})
    text = data.get("text", "")
    if data["decision"] == Decision.QUESTIONED and not text:
        _invalid({"text": _("Écrivez la question posée aux directions.")})
    if data["decision"] == Decision.REJECTED and not text:
        _invalid({"text": _("Indiquez le motif du rejet.")})
    row = ops.review(ind, current_user, data["decision"], text, measurement=target)
    db.session.commit()
    return item(row, REVIEW, 201)
