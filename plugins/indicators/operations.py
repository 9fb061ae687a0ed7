"""Indicator operations: mutate, flush, publish. Views commit once; nothing here commits."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l

from workspace.events import publish
from workspace.extensions import db

from .models import (
    Decision,
    Indicator,
    IntermediateTarget,
    Measurement,
    MeasurementRevision,
    MeasurementValue,
    Review,
    ReviewReply,
)
from .values import period_label


class DuplicatePeriod(ValueError):
    """A measurement already exists for this indicator and period."""


def path_for(endpoint: str, **values) -> str:
    """``url_for`` that also works outside a request (the demo command, scripts)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def _url(indicator: Indicator, measurement: Measurement | None = None) -> str:
    url = path_for("indicators.detail", project_id=indicator.project_id, indicator_id=indicator.id)
    return url + (f"#measurement-{measurement.id}" if measurement else "")


def _keys(indicator: Indicator, measurement: Measurement | None = None) -> list[str]:
    keys = [f"indicator:{indicator.id}", "indicators"]
    return keys + ([f"measurement:{measurement.id}"] if measurement else [])


def create_indicator(project, actor, *, targets=(), **fields) -> Indicator:
    indicator = Indicator(project_id=project.id, **fields)
    indicator.targets = [IntermediateTarget(target_date=d, value=v) for d, v in targets]
    db.session.add(indicator)
    db.session.flush()
    publish(
        "indicator:created",
        project,
        actor,
        _l("a créé l'indicateur « %(name)s »", name=indicator.name),
        object_id=indicator.id,
        keys=_keys(indicator),
        data={"url": _url(indicator)},
    )
    return indicator


def update_indicator(indicator: Indicator, actor, *, targets=None, **fields) -> Indicator:
    for key, value in fields.items():
        setattr(indicator, key, value)
    if targets is not None:
        indicator.targets = [IntermediateTarget(target_date=d, value=v) for d, v in targets]
    db.session.flush()
    publish(
        "indicator:updated",
        _project(indicator),
        actor,
        _l("a modifié l'indicateur « %(name)s »", name=indicator.name),
        object_id=indicator.id,
        keys=_keys(indicator),
        data={"url": _url(indicator)},
    )
    return indicator


def delete_indicator(indicator: Indicator, actor) -> None:
    project, name, ind_id = _project(indicator), indicator.name, indicator.id
    db.session.delete(indicator)
    db.session.flush()
    publish(
        "indicator:deleted",
        project,
        actor,
        _l("a supprimé l'indicateur « %(name)s »", name=name),
        object_id=ind_id,
        keys=[f"indicator:{ind_id}", "indicators"],
        data={"url": path_for("indicators.index", project_id=project.id)},
    )


def _project(indicator: Indicator):
    from workspace.models import Project

    return db.session.get(Project, indicator.project_id)


def _snapshot(m: Measurement, actor) -> None:
    breakdown = "; ".join(f"{v.organisation.name}: {v.value}" for v in m.values)
    db.session.add(
        MeasurementRevision(
            measurement_id=m.id,
            version=m.version,
            value=m.value,
            breakdown=breakdown,
            comment=m.comment,
            changed_by_id=actor.id,
        )
    )


def _set_values(m: Measurement, values: dict) -> None:
    current = {v.organisation_id: v for v in m.values}
    for org_id, value in values.items():
        if org_id in current:
            current.pop(org_id).value = value
        else:
            m.values.append(MeasurementValue(organisation_id=org_id, value=value))
    for stale in current.values():
        m.values.remove(stale)


def add_measurement(
    indicator: Indicator,
    actor,
    *,
    period,
    period_end,
    value,
    values=None,
    comment="",
    evidence_note="",
    evidence_file=None,
) -> Measurement:
    """Record the value of one period; raises :class:`DuplicatePeriod` if it exists."""
    exists = db.session.scalar(
        db.select(Measurement.id).filter_by(indicator_id=indicator.id, period=period)
    )
    if exists:
        raise DuplicatePeriod(period)
    m = Measurement(
        project_id=indicator.project_id,
        indicator_id=indicator.id,
        period=period,
        period_end=period_end,
        value=value,
        comment=comment,
        evidence_note=evidence_note,
        evidence_file_id=evidence_file.id if evidence_file else None,
        entered_by_id=actor.id,
    )
    db.session.add(m)
    _set_values(m, values or {})
    db.session.flush()
    _snapshot(m, actor)
    publish(
        "measurement:created",
        _project(indicator),
        actor,
        _l(
            "a saisi %(period)s pour « %(name)s »", period=period_label(period), name=indicator.name
        ),
        object_id=m.id,
        keys=_keys(indicator, m),
        data={"url": _url(indicator, m), "indicator": indicator.id},
    )
    return m


def update_measurement(
    m: Measurement, actor, *, value, values=None, comment="", evidence_note="", evidence_file=None
) -> Measurement:
    """Edit a measurement: a new revision is kept and the review starts over."""
    m.value = value
    m.comment = comment
    m.evidence_note = evidence_note
    if evidence_file is not None:
        m.evidence_file_id = evidence_file.id
    _set_values(m, values or {})
    if m.review_status != Decision.QUESTIONED:
        # A changed figure must be examined again; an open question stays open until answered.
        m.review_status = Decision.PENDING.value
    db.session.flush()
    _snapshot(m, actor)
    publish(
        "measurement:updated",
        _project(m.indicator),
        actor,
        _l(
            "a modifié %(period)s de « %(name)s »",
            period=period_label(m.period),
            name=m.indicator.name,
        ),
        object_id=m.id,
        keys=_keys(m.indicator, m),
        data={"url": _url(m.indicator, m), "indicator": m.indicator_id},
    )
    return m


REVIEW_SUMMARIES = {
    Decision.ACCEPTED: _l("a accepté %(what)s"),
    Decision.QUESTIONED: _l("a posé une question sur %(what)s"),
    Decision.REJECTED: _l("a rejeté %(what)s"),
}


def review(
    indicator: Indicator,
    actor,
    decision: str,
    text: str = "",
    measurement: Measurement | None = None,
) -> Review:
    """An evaluator's decision on a measurement, or on the indicator when none is given."""
    decision = Decision(decision)
    row = Review(
        project_id=indicator.project_id,
        indicator_id=indicator.id,
        measurement_id=measurement.id if measurement else None,
        decision=decision.value,
        text=text,
        reviewer_id=actor.id,
    )
    db.session.add(row)
    target = measurement or indicator
    target.review_status = decision.value
    db.session.flush()
    obj = "measurement" if measurement else "indicator"
    verb = "questioned" if decision == Decision.QUESTIONED else "reviewed"
    what = (
        _l(
            "la mesure %(period)s de « %(name)s »",
            period=period_label(measurement.period),
            name=indicator.name,
        )
        if measurement
        else _l("l'indicateur « %(name)s »", name=indicator.name)
    )
    publish(
        f"{obj}:{verb}",
        _project(indicator),
        actor,
        _Summary(REVIEW_SUMMARIES[decision], what),
        object_id=target.id,
        keys=_keys(indicator, measurement),
        data={
            "url": _url(indicator, measurement),
            "decision": decision.value,
            "indicator": indicator.id,
            "review": row.id,
            "detail": text,
        },
    )
    return row


class _Summary:
    """A lazy summary whose argument is itself lazy (rendered in each language by publish)."""

    def __init__(self, template, what):
        self.template, self.what = template, what

    def __str__(self) -> str:
        return str(self.template) % {"what": str(self.what)}


def answer(review_row: Review, actor, text: str) -> ReviewReply:
    """A director's answer to a question, stored on the review thread."""
    reply = ReviewReply(review_id=review_row.id, author_id=actor.id, text=text)
    review_row.replies.append(reply)
    db.session.flush()
    indicator = db.session.get(Indicator, review_row.indicator_id)
    m = (
        db.session.get(Measurement, review_row.measurement_id)
        if review_row.measurement_id
        else None
    )
    obj = "measurement" if m else "indicator"
    publish(
        f"{obj}:answered",
        _project(indicator),
        actor,
        _l("a répondu à la question sur « %(name)s »", name=indicator.name),
        object_id=(m or indicator).id,
        keys=_keys(indicator, m),
        data={
            "url": _url(indicator, m),
            "indicator": indicator.id,
            "review": review_row.id,
            "asked_by": review_row.reviewer_id,  # told of the answer
            "detail": text,
        },
    )
    return reply


def override_status(indicator: Indicator, actor, status: str | None, reason: str) -> None:
    """The evaluator sets (or clears, with None) the displayed status, with a justification."""
    indicator.status_override = status or None
    indicator.override_reason = reason if status else ""
    indicator.override_by_id = actor.id if status else None
    db.session.flush()
    publish(
        "indicator:status",
        _project(indicator),
        actor,
        _l("a ajusté le statut de « %(name)s »", name=indicator.name)
        if status
        else _l("a rétabli le statut calculé de « %(name)s »", name=indicator.name),
        object_id=indicator.id,
        keys=_keys(indicator),
        data={"url": _url(indicator)},
    )
