"""The project plan: ordered sections, each with a collaborative text and a review status.

A section's metadata (title, hint, position, status) is an ordinary versioned row; its text is
a Yjs document kept by :mod:`.crdt`: the compacted state and the derived text and HTML in
:class:`PlanContent`, the updates received since the last compaction in :class:`PlanUpdate`.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.extensions import db
from workspace.models import (
    IdMixin,
    LabelledEnum,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)

TITLE_MAX = 200
HINT_MAX = 500
VERSION_NAME_MAX = 120


class Status(LabelledEnum):
    DRAFT = "draft", _l("Brouillon")
    REVIEW = "review", _l("En relecture")
    VALIDATED = "validated", _l("Validé par le Pôle")

    @property
    def tone(self) -> str:
        return {"draft": "neutral", "review": "info", "validated": "ok"}[self.value]


class PlanSection(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "plan_section"
    # Ids never reused (SQLite would reuse a deleted one): processes key notes by section id.
    __table_args__ = {"sqlite_autoincrement": True}
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    hint: Mapped[str] = mapped_column(String(HINT_MAX), default="")
    #: The template's English title and hint, cleared when a director renames the section.
    title_en: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    hint_en: Mapped[str] = mapped_column(String(HINT_MAX), default="")
    status: Mapped[str] = mapped_column(String(20), default=Status.DRAFT.value)
    content: Mapped[PlanContent] = relationship(
        back_populates="section", cascade="all, delete-orphan", uselist=False
    )

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    def shown_title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title

    def shown_hint(self, lang: str) -> str:
        return self.hint_en if lang == "en" and self.hint_en else self.hint

    @property
    def editable(self) -> bool:
        """A validated section is read-only until a director reopens it."""
        return self.status != Status.VALIDATED.value


class PlanContent(db.Model):
    """The compacted Yjs state of one section and what is derived from it."""

    __tablename__ = "plan_content"
    __revision_parent__ = "section"  # its project (workspace/cache/revisions.py)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("plan_section.id", ondelete="CASCADE"), primary_key=True
    )
    # Deferred: up to megabytes, read only to rebuild a document (crdt.py), never for a page.
    state: Mapped[bytes] = mapped_column(LargeBinary, default=b"", deferred=True)
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    #: The last :class:`PlanUpdate` folded into ``state`` (0: none yet).
    last_update_id: Mapped[int] = mapped_column(Integer, default=0)
    #: Random, set once: a process's copy of a document is only reused for the same row (an id
    #: may come back after a deletion or a test database reset).
    generation: Mapped[str] = mapped_column(String(16), default=lambda: secrets.token_hex(8))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    edited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True
    )
    section: Mapped[PlanSection] = relationship(back_populates="content")
    edited_by: Mapped[User | None] = relationship()


class PlanUpdate(IdMixin, db.Model):
    """One Yjs update received from an editor, kept until the next compaction."""

    # Keystrokes do not renew the project's revision; the compaction that derives the text
    # does (through PlanContent).
    __revision__ = False
    __tablename__ = "plan_update"
    # Ids never reused (SQLite would reuse the highest after a compaction deletes it): a
    # process remembers which ids it has merged.
    __table_args__ = {"sqlite_autoincrement": True}
    section_id: Mapped[int] = mapped_column(
        ForeignKey("plan_section.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanVersion(IdMixin, db.Model):
    """A named snapshot of the whole plan (« version soumise au Pôle », « version signée »).

    ``snapshot`` is ``[{"section": id, "title": …, "status": …, "blocks": [[kind, [[text,
    formats], …]], …]}, …]``, in the plan's order: what was written, formats included, so that
    a version can be shown, compared and restored long after the sections changed.
    """

    __tablename__ = "plan_version"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(VERSION_NAME_MAX))
    snapshot: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_by: Mapped[User | None] = relationship()
