"""API tables: personal access tokens, project webhooks and their delivery queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.extensions import db
from workspace.models import IdMixin, Project, User, UTCDateTime, utcnow

TOKEN_NAME_MAX = 80
URL_MAX = 500
SCOPES = ("read", "write")


class ApiToken(IdMixin, db.Model):
    """A personal access token. Only the SHA-256 of the secret is kept; ``prefix`` (the first
    characters) lets its owner recognise it in the list."""

    __revision__ = False  # one person's token (workspace/cache/revisions.py)
    __tablename__ = "api_token"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(10), default="read")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()

    def usable(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    @property
    def can_write(self) -> bool:
        return self.scope == "write"


class Webhook(IdMixin, db.Model):
    """An outgoing webhook of a project: events are POSTed to ``url``, signed with ``secret``
    (kept in clear: it is needed to sign, and it is shown to coordinators only)."""

    __tablename__ = "api_webhook"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(URL_MAX))
    secret: Mapped[str] = mapped_column(String(128))
    events: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship()

    def wants(self, event_type: str) -> bool:
        prefix = event_type.split(":")[0] + ":*"
        return self.active and bool({"*", event_type, prefix} & set(self.events or []))


class WebhookDelivery(IdMixin, db.Model):
    """One event to deliver to one webhook; the worker retries with exponential backoff."""

    # Delivery attempts, made in the background: no page shows them (revisions.py).
    __revision__ = False
    __tablename__ = "api_webhook_delivery"
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("api_webhook.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    webhook: Mapped[Webhook] = relationship()
