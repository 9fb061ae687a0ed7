"""Comments and read markers. ``object_type``/``object_id`` point at another plugin's row
without a foreign key (a plugin can be disabled); the project thread is ``("project", id)``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from workspace.cache.revisions import parts_of_object
from workspace.extensions import db
from workspace.models import IdMixin, StoredFile, User, UTCDateTime, utcnow

MAX_BODY = 10_000
MAX_FILES = 5  # documents attached to one message


class Comment(IdMixin, db.Model):
    """One message. Ids increase in commit order within a project (posting locks the project
    row), so "everything after id N" is a complete catch-up for a reconnecting client."""

    __tablename__ = "comments_comment"
    __table_args__ = (
        UniqueConstraint("author_id", "idempotency_key"),
        Index("ix_comments_comment_thread", "project_id", "object_type", "object_id", "id"),
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments_comment.id"), nullable=True, index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    body: Mapped[str] = mapped_column(String(MAX_BODY), default="")
    html: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    author: Mapped[User] = relationship(lazy="joined")
    # selectin: a thread of N comments loads its attachments in one more query, not N.
    files: Mapped[list[CommentFile]] = relationship(
        back_populates="comment",
        cascade="all, delete-orphan",
        order_by="CommentFile.id",
        lazy="selectin",
    )

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def thread_id(self) -> int:
        return self.parent_id or self.id

    def __revision_parts__(self) -> set[str] | None:
        """The parts of the project the commented object shows in (a task: its column)."""
        return parts_of_object(self.object_type, self.object_id, object_session(self))


class CommentFile(IdMixin, db.Model):
    """A document attached to a message when it was posted, through the project's upload
    service (the checks of milestone evidence and task files); it goes with the message."""

    __revision_parent__ = "comment"  # its project (workspace/cache/revisions.py)
    __tablename__ = "comments_comment_file"
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments_comment.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), index=True)

    comment: Mapped[Comment] = relationship(back_populates="files")
    file: Mapped[StoredFile] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return self.file.original_name


class CommentRead(IdMixin, db.Model):
    """The last comment id a user has seen on one object (unread = later comments by others)."""

    __revision__ = False  # one person's read marker (workspace/cache/revisions.py)
    __tablename__ = "comments_read"
    __table_args__ = (UniqueConstraint("user_id", "object_type", "object_id", "project_id"),)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    last_seen_id: Mapped[int] = mapped_column(Integer, default=0)
