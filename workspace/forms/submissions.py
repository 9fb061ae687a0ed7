"""Creation forms submitted twice create one thing.

A double click, a reload that re-posts, or a second tab sending the same form used to create
two milestones (or indicators, funding lines…). Each creation form carries a random key,
rendered by ``{{ submission_field() }}``; the view is wrapped with :func:`once_per_submission`.
The first successful submission records ``(person, key)`` in :class:`FormSubmission` in the
same transaction as what it created (a ``before_commit`` hook), then the address it led to. A
later submission with the same key creates nothing and is sent to that address (or to the
``fallback`` page while the first is still finishing). Two submissions at the same instant
collide on the table's unique constraint: the second one's transaction, its creation included,
is rolled back. Comments have their own key on the comment itself (plugins/comments).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from functools import wraps

from flask import redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from workspace.extensions import db
from workspace.models import IdMixin, UTCDateTime, utcnow

FIELD = "submission"
KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PENDING = "submission:pending"
INSERTED = "submission:inserted"  # a flush of this transaction inserted rows
KEPT = timedelta(days=1)


class FormSubmission(IdMixin, db.Model):
    """A creation form's key, once what it created is committed, and where it led."""

    __revision__ = (
        False  # one person's form keys: no page shows them (workspace/cache/revisions.py)
    )
    __tablename__ = "form_submission"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    result_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def _posted_key() -> str | None:
    key = request.form.get(FIELD, "")
    return key if KEY.match(key) else None


def submission_field() -> Markup:
    """Jinja helper: the hidden key of a creation form (the posted one again when the form is
    shown back with errors, so that its corrected resubmission stays one)."""
    key = (_posted_key() if request.method == "POST" else None) or secrets.token_urlsafe(24)
    return Markup(f'<input type="hidden" name="{FIELD}" value="{key}">')  # noqa: S704 - url-safe


def _done(key: str) -> FormSubmission | None:
    return db.session.scalar(db.select(FormSubmission).filter_by(user_id=current_user.id, key=key))


def once_per_submission(fallback: str):
    """View decorator for a creation form; ``fallback``: the endpoint (given the view's URL
    arguments) to send a repeated submission to while the first one has not recorded its
    address yet."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            key = _posted_key() if request.method == "POST" else None
            if key is None:
                return view(*args, **kwargs)
            if (done := _done(key)) is not None:
                return _back(done, fallback)
            db.session.info[PENDING] = (current_user.id, key)
            try:
                response = view(*args, **kwargs)
            except IntegrityError:
                db.session.rollback()
                if (done := _done(key)) is None:
                    raise
                return _back(done, fallback)
            finally:
                db.session.info.pop(PENDING, None)
            _remember_address(key, response)
            return response

        return wrapped

    return decorate


def _back(done: FormSubmission, fallback: str):
    return redirect(done.result_url or url_for(fallback, **request.view_args))


def _remember_address(key: str, response) -> None:
    location = getattr(response, "location", None)
    if getattr(response, "status_code", 200) not in (301, 302, 303) or not location:
        return
    done = _done(key)
    if done is not None and not done.result_url:
        done.result_url = location[:500]
        # A repeated submission comes within seconds: a day of keys is plenty.
        db.session.execute(
            db.delete(FormSubmission).where(
                FormSubmission.user_id == done.user_id,
                FormSubmission.created_at < utcnow() - KEPT,
            )
        )
        db.session.commit()


@event.listens_for(Session, "before_commit")
def _record(session: Session) -> None:
    """Record the pending key in the transaction that creates something."""
    pending = session.info.get(PENDING)
    if pending is None or not (session.new or session.info.get(INSERTED)):
        return
    session.info.pop(PENDING)
    user_id, key = pending
    session.add(FormSubmission(user_id=user_id, key=key))


@event.listens_for(Session, "after_flush")
def _note_inserts(session: Session, _context) -> None:
    if PENDING in session.info and session.new:
        session.info[INSERTED] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_inserts(session: Session, *_args) -> None:
    session.info.pop(INSERTED, None)
