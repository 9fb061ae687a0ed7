"""Checklist tables: the template a project chose, its sections (per area) and their items."""

from __future__ import annotations

from datetime import date, datetime

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.cache.revisions import object_parts
from workspace.extensions import db
from workspace.models import (
    IdMixin,
    LabelledEnum,
    Organisation,
    StoredFile,
    User,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)

LABEL_MAX = 300
TITLE_MAX = 200
TEXT_MAX = 5000
JUSTIFICATION_MAX = 500
URL_MAX = 500


class Status(LabelledEnum):
    """Where an item stands; "non applicable" needs a justification and leaves the count."""

    A_FAIRE = "a_faire", _l("À faire")
    EN_COURS = "en_cours", _l("En cours")
    FAIT = "fait", _l("Fait")
    NON_APPLICABLE = "non_applicable", _l("Non applicable")

    @property
    def tone(self) -> str:
        return {"a_faire": "neutral", "en_cours": "info", "fait": "ok"}.get(self.value, "warn")

    @property
    def icon(self) -> str:
        return {"a_faire": "clock", "en_cours": "activity", "fait": "circle-check"}.get(
            self.value, "x"
        )


def _english() -> bool:
    if not has_request_context():  # CLI, demo, background work: the French text
        return False
    loc = get_locale()
    return bool(loc and loc.language == "en")


#: The revision part of the checklists' page (workspace/cache/revisions.py): a change of a
#: checklist renews it, not the board's columns; a task moved does not renew it.
PART = "checklists"


def _checklists_part(_row) -> set[str]:
    return {PART}


def _comment_parts(_item_id: int, _session) -> set[str]:
    """A comment on an item shows in the checklists' page (its count) only."""
    return {PART}


object_parts["checklist_item"] = _comment_parts


class Setup(IdMixin, db.Model):
    """Which template a project's checklists were created from (one row per project)."""

    __revision_parts__ = _checklists_part
    __tablename__ = "checklists_setup"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), unique=True
    )
    template: Mapped[str] = mapped_column(String(30))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )


class Section(IdMixin, db.Model):
    """A group of items inside one area's checklist."""

    __revision_parts__ = _checklists_part
    __tablename__ = "checklists_section"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    area: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_en: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    items: Mapped[list[Item]] = relationship(
        back_populates="section", order_by="Item.position", cascade="all, delete-orphan"
    )

    @property
    def display_title(self) -> str:
        return self.title_en if self.title_en and _english() else self.title


class Item(IdMixin, VersionedMixin, db.Model):
    """One thing to do or to check, with its status, responsible, evidence and verification."""

    __revision_parts__ = _checklists_part
    __tablename__ = "checklists_item"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(
        ForeignKey("checklists_section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    # The template's English label; cleared when a director rewrites the French one.
    label_en: Mapped[str] = mapped_column(String(LABEL_MAX), default="")
    help: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=Status.A_FAIRE.value)
    justification: Mapped[str] = mapped_column(String(JUSTIFICATION_MAX), default="")
    responsible_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True
    )
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    evidence_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL"), nullable=True, index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    # Another plugin's row (milestones): a plain integer so that plugin can be disabled.
    milestone_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # The item recording the parties' agreement to create the groupement (start-up aid rule).
    agreement: Mapped[bool] = mapped_column(Boolean, default=False)

    section: Mapped[Section] = relationship(back_populates="items")
    responsible_org: Mapped[Organisation | None] = relationship()
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    evidence_file: Mapped[StoredFile | None] = relationship()

    @property
    def display_label(self) -> str:
        return self.label_en if self.label_en and _english() else self.label

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def applicable(self) -> bool:
        return self.status != Status.NON_APPLICABLE.value

    @property
    def done(self) -> bool:
        return self.status == Status.FAIT.value

    @property
    def overdue(self) -> bool:
        return bool(self.due_date and not self.done and self.applicable) and (
            self.due_date < date.today()
        )
