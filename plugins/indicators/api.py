"""Indicator resources of the REST API: indicators (read), measurements (read, add, edit) and
the evaluators' reviews (read, add).

Values are parsed by the same functions as the forms (``values.parse_value`` and
``parse_period``: typed values, periods on the indicator's grid) and saved by the same
operations (a changed figure is examined again; events notify the directors).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.base import ApiBlueprint, get_or_404, invalid
from workspace.api.errors import ApiError
from workspace.api.pages import CursorArgs, page
from workspace.api.schemas import Amount, ApiSchema, Choice, Day, Int, Moment, Text, body_of
from workspace.extensions import db
from workspace.models import Area

from . import operations as ops
from .models import Decision, Direction, Frequency, Indicator, Kind, Measurement, Review
from .values import parse_period, parse_value

api_bp = ApiBlueprint("indicators_api", __name__, tag="indicators")

DECISIONS = tuple(d.value for d in Decision)


class IndicatorSchema(ApiSchema):
    """An indicator of the project, with its baseline and target."""

    id = Int(dump_only=True)
    name = Text(dump_only=True)
    definition = Text(dump_only=True)
    area = Choice(Area, dump_only=True)
    kind = Choice(Kind, dump_only=True)
    unit = Text(dump_only=True)
    direction = Choice(Direction, dump_only=True)
    baseline_value = Amount(signed=True, dump_only=True)
    baseline_date = Day(dump_only=True)
    target_value = Amount(signed=True, dump_only=True)
    target_max = Amount(signed=True, dump_only=True, allow_none=True)
    target_date = Day(dump_only=True)
    frequency = Choice(Frequency, dump_only=True)
    review_status = Choice(DECISIONS, dump_only=True)
    version = Int(dump_only=True)


class MeasurementSchema(ApiSchema):
    """The value of an indicator for one period."""

    id = Int(dump_only=True)
    indicator_id = Int(dump_only=True)
    period = Text(required=True, max_length=10, description="2026-03, 2026-T1, 2026-S1, 2026")
    period_end = Day(dump_only=True)
    value = Text(
        required=True,
        max_length=30,
        description="As typed: 12,5 or oui",
        source=lambda m: str(m.value),
    )
    comment = Text(max_length=5000)
    evidence_note = Text(max_length=500)
    review_status = Choice(DECISIONS, dump_only=True)
    version = Int(dump_only=True)
    created_at = Moment(dump_only=True)
    updated_at = Moment(dump_only=True)


class IndicatorReviewSchema(ApiSchema):
    """An evaluator's decision on an indicator or one of its measurements."""

    id = Int(dump_only=True)
    indicator_id = Int(dump_only=True)
    measurement_id = Int(allow_none=True, description="Absent: on the indicator")
    decision = Choice(DECISIONS[1:], required=True)
    text = Text(max_length=5000)
    reviewer_id = Int(dump_only=True)
    created_at = Moment(dump_only=True)


class IndicatorFilters(CursorArgs):
    area = Choice(Area)


def _value(ind: Indicator, raw: str):
    try:
        return parse_value(ind.kind, raw)
    except ValueError as exc:
        invalid({"value": str(exc)})


@api_bp.operation(
    "/indicators",
    permission="indicators.view",
    response=IndicatorSchema,
    many=True,
    query=IndicatorFilters,
)
def indicators(args, project_id: int):
    """Indicators"""
    stmt = db.select(Indicator).filter_by(project_id=project_id)
    if "area" in args:
        stmt = stmt.where(Indicator.area == args["area"])
    return page(stmt, Indicator.id, args)


@api_bp.operation(
    "/indicators/<int:indicator_id>", permission="indicators.view", response=IndicatorSchema
)
def indicator(project_id: int, indicator_id: int):
    """One indicator"""
    return get_or_404(Indicator, indicator_id, project_id)


@api_bp.operation(
    "/indicators/<int:indicator_id>/measurements",
    permission="indicators.view",
    response=MeasurementSchema,
    many=True,
)
def measurements(args, project_id: int, indicator_id: int):
    """Measurements"""
    get_or_404(Indicator, indicator_id, project_id)
    stmt = db.select(Measurement).filter_by(indicator_id=indicator_id)
    return page(stmt, Measurement.id, args)


@api_bp.operation(
    "/indicators/<int:indicator_id>/measurements",
    "POST",
    permission="indicators.edit",
    body=body_of(MeasurementSchema, "Create"),
    response=MeasurementSchema,
    status=201,
)
def add_measurement(data, project_id: int, indicator_id: int):
    """Record the value of a period"""
    ind = get_or_404(Indicator, indicator_id, project_id)
    value = _value(ind, data["value"])
    try:
        period, period_end = parse_period(ind.frequency, data["period"])
    except ValueError as exc:
        invalid({"period": str(exc)})
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
    return m


def _measurement(project_id: int, indicator_id: int, measurement_id: int):
    ind = get_or_404(Indicator, indicator_id, project_id)
    m = db.session.get(Measurement, measurement_id)
    if m is None or m.indicator_id != ind.id:
        raise ApiError(404)
    return ind, m


@api_bp.operation(
    "/indicators/<int:indicator_id>/measurements/<int:measurement_id>",
    permission="indicators.view",
    response=MeasurementSchema,
)
def measurement(project_id: int, indicator_id: int, measurement_id: int):
    """One measurement"""
    return _measurement(project_id, indicator_id, measurement_id)[1]


@api_bp.operation(
    "/indicators/<int:indicator_id>/measurements/<int:measurement_id>",
    "PATCH",
    permission="indicators.edit",
    body=body_of(MeasurementSchema, "Update", partial=True),
    response=MeasurementSchema,
)
def update_measurement(data, project_id: int, indicator_id: int, measurement_id: int):
    """Correct a measurement (it is examined again)"""
    ind, m = _measurement(project_id, indicator_id, measurement_id)
    api_bp.check_etag(m, MeasurementSchema)
    if "period" in data and data["period"] != m.period:
        invalid({"period": _("La période d'une mesure ne se change pas.")})
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
    return m


@api_bp.operation(
    "/indicators/<int:indicator_id>/reviews",
    permission="indicators.view",
    response=IndicatorReviewSchema,
    many=True,
)
def reviews(args, project_id: int, indicator_id: int):
    """Reviews of an indicator"""
    get_or_404(Indicator, indicator_id, project_id)
    stmt = db.select(Review).filter_by(indicator_id=indicator_id)
    return page(stmt, Review.id, args)


@api_bp.operation(
    "/indicators/<int:indicator_id>/reviews",
    "POST",
    permission="indicators.review",
    body=body_of(IndicatorReviewSchema, "Create"),
    response=IndicatorReviewSchema,
    status=201,
)
def add_review(data, project_id: int, indicator_id: int):
    """Accept, question or reject (evaluators)"""
    ind = get_or_404(Indicator, indicator_id, project_id)
    target = None
    if data.get("measurement_id") is not None:
        target = db.session.get(Measurement, data["measurement_id"])
        if target is None or target.indicator_id != ind.id:
            invalid({"measurement_id": _("Mesure inconnue pour cet indicateur.")})
    text = data.get("text", "")
    if data["decision"] == Decision.QUESTIONED and not text:
        invalid({"text": _("Écrivez la question posée aux directions.")})
    if data["decision"] == Decision.REJECTED and not text:
        invalid({"text": _("Indiquez le motif du rejet.")})
    row = ops.review(ind, current_user, data["decision"], text, measurement=target)
    db.session.commit()
    return row
