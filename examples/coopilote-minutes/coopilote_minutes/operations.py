"""Operations: mutate, flush, publish — never commit (the view commits once)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l

from workspace.events import publish
from workspace.extensions import db

from .models import Meeting


def meeting_url(meeting: Meeting) -> str:
    return url_for("minutes.index", project_id=meeting.project_id, _anchor=f"m-{meeting.id}")


def record_meeting(project, actor, title: str, held_on: date, body: str) -> Meeting:
    """Add the minutes of a meeting; everyone on the project's page sees them appear."""
    meeting = Meeting(
        project_id=project.id, title=title, held_on=held_on, body=body, author_id=actor.id
    )
    db.session.add(meeting)
    db.session.flush()
    publish(
        "minutes:created",
        project,
        actor,
        _l("a ajouté le compte rendu « %(title)s »", title=title),
        object_id=meeting.id,
        keys=[f"minutes:{meeting.id}", "minutes:list"],
        data={"url": meeting_url(meeting)},
    )
    return meeting


def latest(project_id: int, limit: int = 3) -> list[Meeting]:
    return list(
        db.session.scalars(
            db.select(Meeting)
            .filter_by(project_id=project_id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
            .limit(limit)
        )
    )
