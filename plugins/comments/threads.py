"""Reading threads: pages of conversations, read markers, unread and comment counts. Never
commit (views do)."""

from __future__ import annotations

from sqlalchemy import and_, func
from sqlalchemy.orm import joinedload

from workspace.extensions import db
from workspace.models import Project, User

from .models import Comment, CommentRead

THREAD_PAGE = 30  # conversations (a comment and its replies) shown at once, the latest


def thread_page(project, object_type, object_id, before: int | None = None, limit=THREAD_PAGE):
    """The latest ``limit`` conversations of one object (older than the top comment
    ``before`` when given): ``(tops oldest first, {top id: replies}, older)`` where ``older``
    counts what is left before them (``threads``, ``comments`` not deleted, ``before``: the
    first top's id). A fixed number of queries, whatever the thread's length."""
    where = (
        Comment.project_id == project.id,
        Comment.object_type == object_type,
        Comment.object_id == object_id,
    )
    # The author's organisation is shown with every comment: loaded with it.
    people = joinedload(Comment.author).joinedload(User.organisation)
    tops_q = db.select(Comment).options(people).where(*where, Comment.parent_id.is_(None))
    if before is not None:
        tops_q = tops_q.where(Comment.id < before)
    tops = list(db.session.scalars(tops_q.order_by(Comment.id.desc()).limit(limit)))[::-1]
    replies: dict[int, list[Comment]] = {}
    if not tops:
        return [], replies, {"threads": 0, "comments": 0, "before": None}
    for reply in db.session.scalars(
        db.select(Comment)
        .options(people)
        .where(Comment.parent_id.in_([t.id for t in tops]))
        .order_by(Comment.id)
    ):
        replies.setdefault(reply.parent_id, []).append(reply)
    first = tops[0].id
    threads, comments = db.session.execute(
        db.select(
            func.count(Comment.id).filter(Comment.parent_id.is_(None)),
            func.count(Comment.id).filter(Comment.deleted_at.is_(None)),
        ).where(*where, func.coalesce(Comment.parent_id, Comment.id) < first)
    ).one()
    return tops, replies, {"threads": threads, "comments": comments, "before": first}


def thread_stats(project: Project, object_type: str, object_id: int) -> tuple[int, int]:
    """``(comments not deleted, last comment id)`` of one object, in one query."""
    count, last = db.session.execute(
        db.select(
            func.count(Comment.id).filter(Comment.deleted_at.is_(None)), func.max(Comment.id)
        ).filter_by(project_id=project.id, object_type=object_type, object_id=object_id)
    ).one()
    return count, last or 0


def thread(project: Project, object_type: str, object_id: int, after: int = 0) -> list[Comment]:
    """The comments of one object in id order (optionally only those after ``after``)."""
    return list(
        db.session.scalars(
            db.select(Comment)
            .filter_by(project_id=project.id, object_type=object_type, object_id=object_id)
            .where(Comment.id > after)
            .order_by(Comment.id)
        )
    )


def mark_read(
    user, project: Project, object_type: str, object_id: int, last_id: int | None = None
) -> bool:
    """Remember the last comment seen (never goes backwards); True if that changed it."""
    latest = (
        db.session.scalar(
            db.select(func.max(Comment.id)).filter_by(
                project_id=project.id, object_type=object_type, object_id=object_id
            )
        )
        or 0
    )
    seen = min(last_id, latest) if last_id is not None else latest
    row = db.session.scalar(
        db.select(CommentRead).filter_by(
            user_id=user.id, project_id=project.id, object_type=object_type, object_id=object_id
        )
    )
    if row is None:
        row = CommentRead(
            user_id=user.id,
            project_id=project.id,
            object_type=object_type,
            object_id=object_id,
            last_seen_id=0,
        )
        db.session.add(row)
    before = row.last_seen_id
    row.last_seen_id = max(row.last_seen_id or 0, seen)
    return row.last_seen_id != before


def unread(user, project: Project) -> dict[tuple[str, int], int]:
    """``{(object_type, object_id): unread count}`` for one user in one query."""
    r = CommentRead
    rows = db.session.execute(
        db.select(Comment.object_type, Comment.object_id, func.count(Comment.id))
        .outerjoin(
            r,
            and_(
                r.user_id == user.id,
                r.project_id == Comment.project_id,
                r.object_type == Comment.object_type,
                r.object_id == Comment.object_id,
            ),
        )
        .where(Comment.project_id == project.id, Comment.author_id != user.id)
        .where(Comment.deleted_at.is_(None), Comment.id > func.coalesce(r.last_seen_id, 0))
        .group_by(Comment.object_type, Comment.object_id)
    )
    return {(t, i): n for t, i, n in rows}


def counts(project: Project, object_type: str) -> dict[int, int]:
    """``{object_id: number of (not deleted) comments}`` for one type, in one query."""
    rows = db.session.execute(
        db.select(Comment.object_id, func.count(Comment.id))
        .where(Comment.project_id == project.id, Comment.object_type == object_type)
        .where(Comment.deleted_at.is_(None))
        .group_by(Comment.object_id)
    )
    return dict(rows.all())


def recent_threads(project: Project, limit: int = 40) -> list[dict]:
    """Objects with comments, most recently active first, with their latest comment."""
    last = func.max(Comment.id).label("last")
    rows = db.session.execute(
        db.select(Comment.object_type, Comment.object_id, last, func.count(Comment.id))
        .where(Comment.project_id == project.id, Comment.deleted_at.is_(None))
        .group_by(Comment.object_type, Comment.object_id)
        .order_by(last.desc())
        .limit(limit)
    ).all()
    latest = {
        c.id: c
        for c in db.session.scalars(db.select(Comment).where(Comment.id.in_([r[2] for r in rows])))
    }
    return [
        {"type": t, "id": i, "count": n, "latest": latest.get(last_id)} for t, i, last_id, n in rows
    ]
