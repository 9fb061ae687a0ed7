"""Calls for start-up aid applications (« appels à candidatures »), opened by a funder.

A call belongs to the funder's organisation: its staff (``calls.manage``: active members of an
organisation of kind ``funder``, a site-level role) open, edit and follow it. Once its opening
day has come, every signed-in person sees it, so that a coordination can apply. Applications
and their instruction: :mod:`.applications`; every step is also in the call's journal
(:class:`CallEvent`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from wtforms import DateField, StringField, TextAreaField

from workspace.events import render_summary
from workspace.extensions import db
from workspace.forms.fields import max_len, required, strip
from workspace.models import (
    IdMixin,
    LabelledEnum,
    Organisation,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)
from workspace.permissions import can

from .forms import MoneyField
from .models import MONEY, NAME_MAX, TEXT_MAX


class CallState(LabelledEnum):
    UPCOMING = "upcoming", _l("à venir")
    OPEN = "open", _l("ouvert")
    CLOSED = "closed", _l("clos")

    @property
    def tone(self) -> str:
        return {"open": "ok", "upcoming": "info"}.get(self.value, "neutral")


class FundingCall(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    """A call for applications: its funder, envelope and dates."""

    __revision__ = False  # above the projects: no project's pages show it (revisions.py)
    __tablename__ = "funding_call"
    funder_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    envelope: Mapped[Decimal] = mapped_column(MONEY)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)

    funder: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship()

    def state(self, today: date) -> CallState:
        if today < self.opens_on:
            return CallState.UPCOMING
        return CallState.OPEN if today <= self.closes_on else CallState.CLOSED


class CallEvent(IdMixin, db.Model):
    """The call's own journal, above the projects: opened, edited, each application's steps
    (also in its project's activity log). Its funder staff read it on the call's page."""

    __revision__ = False  # above the projects (revisions.py)
    __tablename__ = "funding_call_event"
    call_id: Mapped[int] = mapped_column(
        ForeignKey("funding_call.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    summary: Mapped[str] = mapped_column(String(500))
    summary_en: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(lazy="joined")

    def text(self, lang: str) -> str:
        return self.summary_en if lang == "en" and self.summary_en else self.summary


def log_call(call_id: int, actor, summary) -> None:
    """Add ``summary`` (a lazy French string, « a ouvert l'appel ») to the call's journal."""
    text = render_summary(summary)
    db.session.add(
        CallEvent(
            call_id=call_id,
            actor_id=getattr(actor, "id", None),
            summary=text["fr"],
            summary_en=text["en"],
        )
    )


def call_journal(call_id: int, limit: int = 50) -> list[CallEvent]:
    return list(
        db.session.scalars(
            db.select(CallEvent)
            .filter_by(call_id=call_id)
            .order_by(CallEvent.created_at.desc(), CallEvent.id.desc())
            .limit(limit)
        )
    )


class CallForm(FlaskForm):
    title = StringField(
        _l("Intitulé de l'appel"), validators=[required(), max_len(NAME_MAX)], filters=[strip]
    )
    description = TextAreaField(_l("Présentation"), validators=[max_len(TEXT_MAX)], filters=[strip])
    envelope = MoneyField(_l("Enveloppe (€)"))
    opens_on = DateField(_l("Ouverture"), validators=[required()], render_kw={"type": "date"})
    closes_on = DateField(
        _l("Clôture des candidatures"), validators=[required()], render_kw={"type": "date"}
    )

    def validate_closes_on(self, field):
        from wtforms import ValidationError

        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("La clôture ne peut pas précéder l'ouverture."))

    def values(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in ("title", "description", "envelope", "opens_on", "closes_on")
        }


def manages(user, call: FundingCall) -> bool:
    """May ``user`` edit this call: the funder's own staff."""
    return can(user, None, "calls.manage") and user.organisation_id == call.funder_id


def funder_staff(call: FundingCall) -> list[int]:
    """The ids of the call's funder staff (active members of its organisation)."""
    return list(
        db.session.scalars(
            db.select(User.id).where(User.organisation_id == call.funder_id, User.active.is_(True))
        )
    )


def visible(user, call: FundingCall, today: date) -> bool:
    """Its funder's staff always; everyone signed in once it has opened."""
    return manages(user, call) or call.state(today) != CallState.UPCOMING


def calls_for(user, today: date) -> list[FundingCall]:
    """The calls ``user`` sees: the open ones first (closing soonest first), then those to
    come (opening soonest first), then the closed ones (latest first)."""
    query = db.select(FundingCall)
    if can(user, None, "calls.manage"):
        query = query.where(
            (FundingCall.funder_id == user.organisation_id) | (FundingCall.opens_on <= today)
        )
    else:
        query = query.where(FundingCall.opens_on <= today)

    def key(call: FundingCall):
        state = call.state(today)
        if state == CallState.OPEN:
            return (0, call.closes_on.toordinal(), call.id)
        if state == CallState.UPCOMING:
            return (1, call.opens_on.toordinal(), call.id)
        return (2, -call.closes_on.toordinal(), call.id)

    return sorted(db.session.scalars(query), key=key)
