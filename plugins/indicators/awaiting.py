"""What the indicators ask of people (« Ce qui vous attend » on the home page): the
evaluator's measurements to review and the answers to her questions, the directors'
questions to answer. One query per kind for all the person's projects."""

from __future__ import annotations

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import and_, func, or_

from workspace.extensions import db
from workspace.projects.awaiting import Awaiting, projects_where

from .models import Decision, Indicator, Measurement, Review, ReviewReply

QUESTIONED = Decision.QUESTIONED.value


def _pending_measurements(project_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        db.select(Measurement.project_id, func.count(Measurement.id))
        .where(
            Measurement.project_id.in_(project_ids),
            Measurement.review_status == Decision.PENDING.value,
        )
        .group_by(Measurement.project_id)
    )
    return dict(rows.all())


def _open_questions(project_ids: list[int], answered: bool, reviewer_id: int | None = None):
    """Questions whose measurement (or indicator) is still questioned, per project: those
    answered by a director, or those waiting for an answer."""
    replies = db.select(ReviewReply.id).where(ReviewReply.review_id == Review.id).exists()
    still_open = or_(
        and_(Review.measurement_id.is_not(None), Measurement.review_status == QUESTIONED),
        and_(Review.measurement_id.is_(None), Indicator.review_status == QUESTIONED),
    )
    query = (
        db.select(Review.project_id, func.count(Review.id))
        .outerjoin(Measurement, Measurement.id == Review.measurement_id)
        .join(Indicator, Indicator.id == Review.indicator_id)
        .where(Review.project_id.in_(project_ids), Review.decision == QUESTIONED, still_open)
        .where(replies if answered else ~replies)
        .group_by(Review.project_id)
    )
    if reviewer_id is not None:
        query = query.where(Review.reviewer_id == reviewer_id)
    return dict(db.session.execute(query).all())


def awaiting(user, projects) -> list[Awaiting]:
    items = []
    reviewing = projects_where(user, projects, "indicators.review")
    if reviewing:
        ids = [p.id for p in reviewing]
        pending = _pending_measurements(ids)
        answers = _open_questions(ids, answered=True, reviewer_id=user.id)
        for project in reviewing:
            url = url_for("indicators.index", project_id=project.id)
            if n := answers.get(project.id):
                text = ngettext(
                    "%(num)d réponse à vos questions à examiner",
                    "%(num)d réponses à vos questions à examiner",
                    n,
                )
                items.append(Awaiting(text, url, "message-circle", n, project, tone="danger"))
            if n := pending.get(project.id):
                text = ngettext("%(num)d mesure à examiner", "%(num)d mesures à examiner", n)
                items.append(Awaiting(text, url, "chart-line", n, project, tone="warn"))
    answering = projects_where(user, projects, "indicators.edit")
    if answering:
        questions = _open_questions([p.id for p in answering], answered=False)
        for project in answering:
            if n := questions.get(project.id):
                text = ngettext(
                    "%(num)d question de l'évaluation attend une réponse",
                    "%(num)d questions de l'évaluation attendent une réponse",
                    n,
                )
                url = url_for("indicators.index", project_id=project.id)
                items.append(Awaiting(text, url, "circle-help", n, project, tone="danger"))
    return items
