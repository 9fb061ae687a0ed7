"""The one table of the plugin: a meeting's minutes (``minutes_meeting``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workspace.extensions import db
from workspace.models import IdMixin, TimestampMixin

TITLE_MAX = 200
BODY_MAX = 20_000


class Meeting(IdMixin, TimestampMixin, db.Model):
    """Minutes of one meeting of the partners. Table name: ``<plugin name>_<thing>``."""

    __tablename__ = "minutes_meeting"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    held_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("user_account.id"), index=True
    )
