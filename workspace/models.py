"""Core models: organisations, people, projects, memberships, invitations, activity, files.

Plugins define their own tables (prefixed by the plugin name) and refer to these.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from workspace.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: SQLAlchemy bumps ``version`` and refuses a stale UPDATE.

    Forms carry the version they were rendered with; :func:`workspace.forms.conflicts.check_version`
    turns a mismatch into a 409 that shows the current value.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class LabelledEnum(enum.StrEnum):
    """A str enum whose members carry a translatable label (``member.label``)."""

    def __new__(cls, value: str, label):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class OrganisationKind(LabelledEnum):
    ASSOCIATION = "association", _l("Association")
    SAAD = "saad", _l("SAAD (aide à domicile)")
    SSIAD = "ssiad", _l("SSIAD (soins infirmiers à domicile)")
    EHPAD = "ehpad", _l("EHPAD")
    CCAS = "ccas", _l("CCAS")
    NETWORK = "network", _l("Pôle / réseau")
    FUNDER = "funder", _l("Financeur")
    CONSULTANCY = "consultancy", _l("Cabinet / conseil")
    OTHER = "other", _l("Autre")


class CooperationForm(LabelledEnum):
    PARTENARIAT = "partenariat", _l("Partenariat")
    MUTUALISATION = "mutualisation", _l("Mutualisation")
    REGROUPEMENT = "regroupement", _l("Regroupement")
    GCSMS = "gcsms", _l("GCSMS")
    FUSION = "fusion", _l("Fusion")
    OTHER = "other", _l("Autre")


class Stage(LabelledEnum):
    EMERGENCE = "emergence", _l("Émergence")
    ACCOMPAGNEMENT = "accompagnement", _l("Accompagnement")
    CONCRETISATION = "concretisation", _l("Concrétisation")
    SOUTIEN = "soutien_financier", _l("Soutien financier")
    EVALUATION = "evaluation", _l("Évaluation")

    @property
    def index(self) -> int:
        return list(Stage).index(self)

    def next(self) -> Stage | None:
        members = list(Stage)
        return members[self.index + 1] if self.index + 1 < len(members) else None


class Area(LabelledEnum):
    """The four areas of a cooperation project (the four shared checklists)."""

    STRATEGIE = "strategie", _l("Stratégie")
    RH = "rh", _l("RH / organisation")
    GESTION = "gestion", _l("Gestion / financement")
    PILOTAGE = "pilotage", _l("Pilotage et évaluation")

    @property
    def css(self) -> str:
        return f"area-{self.value}"


def area_label(value: str | None) -> str:
    try:
        return Area(value).label if value else ""
    except ValueError:
        return ""


class Role(LabelledEnum):
    DIRECTOR = "director", _l("Direction partenaire")
    ADVISER = "adviser", _l("Conseil du Pôle")
    EVALUATOR = "evaluator", _l("Évaluation")
    FUNDER = "funder", _l("Financeur")


class Organisation(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "organisation"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=OrganisationKind.ASSOCIATION.value)
    town: Mapped[str] = mapped_column(String(120), default="")
    siret: Mapped[str | None] = mapped_column(String(14), nullable=True)
    color: Mapped[str] = mapped_column(String(7), default="#4f6d7a")

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def kind_label(self) -> str:
        return OrganisationKind(self.kind).label

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class User(IdMixin, TimestampMixin, UserMixin, db.Model):
    __tablename__ = "user_account"
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Site-level right to create projects: None follows the organisation's kind
    # (WORKSPACE_PROJECT_CREATOR_KINDS), True / False is the administrator's choice.
    may_create_projects: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # Bumped on password change or "sign out everywhere": invalidates other sessions.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    # Optional TOTP second factor (workspace/auth/totp.py): the base32 secret (never exported nor
    # serialised), the last accepted time step (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_last_counter: Mapped[int | None] = mapped_column(Integer, nullable=True)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")
    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    @property
    def totp_enabled(self) -> bool:
        return bool(self.totp_secret)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: the epoch makes old cookies stale
        return f"{self.id}:{self.session_epoch}"

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace("-", " ").split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    def __repr__(self) -> str:
        return f"<User {self.email!r}>"


project_partner = Table(
    "project_partner",
    db.Model.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True, index=True),
)


class Project(IdMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "project"
    name: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(20), default=CooperationForm.GCSMS.value)
    stage: Mapped[str] = mapped_column(String(20), default=Stage.EMERGENCE.value)
    summary: Mapped[str] = mapped_column(Text, default="")
    territory: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    partners: Mapped[list[Organisation]] = relationship(
        secondary=project_partner, order_by="Organisation.name"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def form_label(self) -> str:
        return CooperationForm(self.form).label

    def __repr__(self) -> str:
        return f"<Project {self.name!r}>"


class Membership(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "project_id"),)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    coordinator: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="memberships", lazy="joined")
    project: Mapped[Project] = relationship(back_populates="memberships")

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def roles(self) -> frozenset[str]:
        """The role names permissions are granted to (coordinator is a pseudo-role)."""
        return _roles(self.role, self.coordinator)


@lru_cache(maxsize=32)  # a handful of roles; can() asks for them twenty times a page
def _roles(role: str, coordinator: bool) -> frozenset[str]:
    return frozenset({role, "coordinator"} if coordinator else {role})


class Invitation(IdMixin, db.Model):
    __tablename__ = "invitation"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    project: Mapped[Project] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and not self.revoked and self.expires_at > utcnow()


class Activity(IdMixin, db.Model):
    """Append-only log: one row per change to a project, written in the same transaction."""

    __tablename__ = "activity"
    # The log's type filter lists a project's kinds of entries: read from this index alone
    # (a scan of every entry took 3 ms at 10,000).
    __table_args__ = (Index("ix_activity_project_type", "project_id", "object_type"),)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    verb: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    summary: Mapped[str] = mapped_column(String(500))
    summary_en: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    entry_hash: Mapped[str] = mapped_column(String(64), default="")

    actor: Mapped[User | None] = relationship(lazy="joined")


class PasswordReset(IdMixin, db.Model):
    __revision__ = False  # one person's reset link (workspace/cache/revisions.py)
    __tablename__ = "password_reset"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class RecoveryCode(IdMixin, db.Model):
    """A one-time code that replaces the TOTP code once; only its SHA-256 is stored."""

    __revision__ = False  # one person's codes (workspace/cache/revisions.py)
    __tablename__ = "recovery_code"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class StoredFile(IdMixin, db.Model):
    """An uploaded document, stored outside ``static/`` and served through a permission check."""

    __tablename__ = "stored_file"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(120), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User] = relationship()


def count(query) -> int:
    """``SELECT count(*)`` of a select statement."""
    return db.session.scalar(db.select(func.count()).select_from(query.subquery()))
