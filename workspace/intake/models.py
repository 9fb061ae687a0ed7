"""A request for information or accompaniment, sent from the public form."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.extensions import db
from workspace.models import (
    IdMixin,
    LabelledEnum,
    OrganisationKind,
    Project,
    User,
    UTCDateTime,
    utcnow,
)


class NeedKind(LabelledEnum):
    """The two doors of the Pôle's leaflet."""

    INFORMATION = "information", _l("Je m'interroge sur les coopérations possibles")
    PROJECT = "project", _l("J'ai un projet de coopération")


class IntakeStatus(LabelledEnum):
    NEW = "new", _l("à qualifier")
    INFORMATION = "information", _l("information")
    ACCOMPANIMENT = "accompaniment", _l("accompagnement")
    DECLINED = "declined", _l("sans suite")


class IntakeRequest(IdMixin, db.Model):
    """What an organisation asked, as it wrote it, and what the Pôle decided of it."""

    __revision__ = False  # not a project's content (cache/revisions.py)
    __tablename__ = "intake_request"
    need: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(200))
    organisation_kind: Mapped[str] = mapped_column(String(20))
    town: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(30), default="")
    message: Mapped[str] = mapped_column(Text)
    partners: Mapped[str] = mapped_column(String(1000), default="")
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    status: Mapped[str] = mapped_column(String(20), default=IntakeStatus.NEW.value, index=True)
    note: Mapped[str] = mapped_column(String(2000), default="")
    qualified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    qualified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The project it became (``convert.py``); a deleted project leaves the request.
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    qualified_by: Mapped[User | None] = relationship()
    project: Mapped[Project | None] = relationship()

    @property
    def need_label(self) -> str:
        return NeedKind(self.need).label

    @property
    def organisation_kind_label(self) -> str:
        return OrganisationKind(self.organisation_kind).label

    @property
    def status_label(self) -> str:
        return IntakeStatus(self.status).label
