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
from workspace.api.crud import children_of
from workspace.api.errors import ApiError
from workspace.api.pages import CursorArgs
from workspace.api.schemas import Amount, ApiSchema, Choice, Day, Int, Moment, Text
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


api_bp.listing(
    "/indicators",
    Indicator,
    IndicatorSchema,
    permission="indicators.view",
    summary="Indicators",
    endpoint="indicators",
    filters=IndicatorFilters,
)
api_bp.read(
    "/indicators/<int:indicator_id>",
    Indicator,
    IndicatorSchema,
    permission="indicators.view",
    summary="One indicator",
    endpoint="indicator",
)
api_bp.listing(
    "/indicators/<int:indicator_id>/measurements",
    Measurement,
    MeasurementSchema,
    permission="indicators.view",
    summary="Measurements",
    endpoint="measurements",
    where=children_of(Indicator, "indicator_id", Measurement.indicator_id),
)


@api_bp.create(
    "/indicators/<int:indicator_id>/measurements",
    MeasurementSchema,
    permission="indicators.edit",
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
        return ops.add_measurement(
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


def _measurement(project_id: int, indicator_id: int, measurement_id: int) -> Measurement:
    ind = get_or_404(Indicator, indicator_id, project_id)
    m = db.session.get(Measurement, measurement_id)
    if m is None or m.indicator_id != ind.id:
        raise ApiError(404)
    return m


ONE_MEASUREMENT = "/indicators/<int:indicator_id>/measurements/<int:measurement_id>"
api_bp.read(
    ONE_MEASUREMENT,
    _measurement,
    MeasurementSchema,
    permission="indicators.view",
    summary="One measurement",
    endpoint="measurement",
)


@api_bp.update(ONE_MEASUREMENT, _measurement, MeasurementSchema, permission="indicators.edit")
def update_measurement(data, m: Measurement):
    """Correct a measurement (it is examined again)"""
    if "period" in data and data["period"] != m.period:
        invalid({"period": _("La période d'une mesure ne se change pas.")})
    value = _value(m.indicator, data["value"]) if "value" in data else m.value
    ops.update_measurement(
        m,
        current_user,
        value=value,
        values={v.organisation_id: v.value for v in m.values},
        comment=data.get("comment", m.comment),
        evidence_note=data.get("evidence_note", m.evidence_note),
    )


api_bp.listing(
    "/indicators/<int:indicator_id>/reviews",
    Review,
    IndicatorReviewSchema,
    permission="indicators.view",
    summary="Reviews of an indicator",
    endpoint="reviews",
    where=children_of(Indicator, "indicator_id", Review.indicator_id),
)


@api_bp.create(
    "/indicators/<int:indicator_id>/reviews", IndicatorReviewSchema, permission="indicators.review"
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
    return ops.review(ind, current_user, data["decision"], text, measurement=target)
