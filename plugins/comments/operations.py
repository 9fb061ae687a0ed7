"""Comment operations: post, edit, delete, read markers, counts. Never commit (views do)."""

from __future__ import annotations

from functools import wraps

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from workspace.events import publish
from workspace.extensions import db
from workspace.models import Membership, Project, utcnow
from workspace.notifications import center as notifications
from workspace.permissions import REGISTRY, can
from workspace.plugins import commentable
from workspace.web.uploads import UploadError, discard_stored, store_upload

from .models import MAX_BODY, MAX_FILES, Comment, CommentFile
from .render import find_mentions, render_markdown
from .threads import (  # noqa: F401 - the reading side, re-exported for the views and hooks
    THREAD_PAGE,
    counts,
    mark_read,
    recent_threads,
    thread,
    thread_page,
    thread_stats,
    unread,
)


class CommentError(ValueError):
    """Bad input; ``str(error)`` is the French message for the form."""

    def __init__(self, message, field: str = "body"):
        super().__init__(message)
        self.field = field


def in_request(fn):
    """Operations build URLs and render the notice HTML: outside a request (demo, CLI,
    tests) give them one on the configured public address."""

    @wraps(fn)
    def wrapped(*args, **kwargs):
        if has_request_context():
            return fn(*args, **kwargs)
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            return fn(*args, **kwargs)

    return wrapped


def resolve(project: Project, user, object_type: str, object_id: int):
    """``(Commentable, object)`` if the user may see that object of that project, else None."""
    c = commentable(object_type)
    if c is None:
        return None
    obj = c.resolve(project, object_id)
    if obj is None or not can(user, project, c.permission):
        return None
    return c, obj


def preload(project: Project, keys) -> list:
    """Load the objects of many conversations (``(type, id)`` keys) in one query per type
    whose :class:`Commentable` names its ``model``, so that :func:`resolve` finds them in the
    session instead of loading them one by one. Keep the returned list while resolving: the
    session holds its objects only as long as something else does."""
    ids: dict[str, list[int]] = {}
    for object_type, object_id in keys:
        ids.setdefault(object_type, []).append(object_id)
    loaded: list = []
    for object_type, wanted in ids.items():
        c = commentable(object_type)
        model = c.model if c is not None else None
        if model is not None and len(wanted) > 1:
            loaded += db.session.scalars(
                db.select(model).where(model.id.in_(wanted), model.project_id == project.id)
            ).unique()
    return loaded


def object_url(c, obj, comment_id: int | None = None) -> str:
    return c.url(obj) + (f"#comment-{comment_id}" if comment_id else "")


def check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommentError(_l("Le message ne peut pas être vide."))
    if len(body) > MAX_BODY:
        raise CommentError(_l("Le message ne peut pas dépasser 10 000 caractères."))
    return body


def members(project: Project, permission: str) -> dict[str, list[int]]:
    """``{full name: [user ids]}`` of the members allowed to see objects under ``permission``
    (two members may share a name: a mention of that name reaches both)."""
    roles = REGISTRY[permission].roles
    rows = db.session.scalars(db.select(Membership).filter_by(project_id=project.id))
    out: dict[str, list[int]] = {}
    for m in rows:
        if m.roles & roles:
            out.setdefault(m.user.name, []).append(m.user_id)
    return out


def _notice_html(comment: Comment) -> dict:
    out = {}
    for lang in ("fr", "en"):
        with force_locale(lang):
            out[lang] = render_template("comments/_comment.html", comment=comment)
    return out


def _publish(verb: str, comment: Comment, actor, c, obj, summary) -> None:
    data = {
        "object_type": comment.object_type,
        "object_id": comment.object_id,
        "thread": comment.thread_id,
        "parent": comment.parent_id,
        "url": object_url(c, obj, comment.id),
    }
    # The HTML travels in the room's notice only when every reader of comments may see the
    # object; otherwise clients fetch it through /since under their own permissions.
    if REGISTRY[c.permission].roles >= REGISTRY["comments.view"].roles:
        html = _notice_html(comment)
        data |= {"html": html["fr"], "html_en": html["en"]}
    publish(
        f"comment:{verb}",
        comment_project(comment),
        actor,
        summary,
        object_id=comment.id,
        keys=[f"comments:{comment.object_type}:{comment.object_id}"],
        data=data,
    )


def comment_project(comment: Comment) -> Project:
    return db.session.get(Project, comment.project_id)


def attach_files(comment: Comment, project: Project, author, uploads) -> None:
    """Store the documents sent with a new message (the project's upload service: 10 MB,
    checked types); raises :class:`CommentError` on the ``files`` field, the caller rolls
    back (the files already written are then deleted)."""
    uploads = [f for f in uploads or [] if f is not None and f.filename]
    if len(uploads) > MAX_FILES:
        raise CommentError(
            _l("%(max)d pièces jointes au plus par message.", max=MAX_FILES), "files"
        )
    for upload in uploads:
        try:
            stored = store_upload(project, upload, author)
        except UploadError as exc:
            name = upload.filename[:80]
            raise CommentError(_l("%(name)s : %(error)s", name=name, error=exc), "files") from None
        comment.files.append(CommentFile(file=stored))


@in_request
def post_comment(
    project, author, object_type, object_id, body, parent_id=None, key=None, files=None
):
    """Create a comment with its attached ``files`` (uploaded file objects), or return the
    one already made with the same idempotency key (its files are not stored twice).

    Returns ``(comment, created)``. Raises :class:`CommentError` on bad input and LookupError
    when the object or the parent does not belong to this project.
    """
    found = resolve(project, author, object_type, object_id)
    if found is None:
        raise LookupError(object_type)
    c, obj = found
    body = check_body(body)
    if key:
        same = db.session.scalar(
            db.select(Comment).filter_by(author_id=author.id, idempotency_key=key)
        )
        if same is not None:
            return same, False
    parent = None
    if parent_id:
        parent = db.session.get(Comment, parent_id)
        if parent is None or (parent.project_id, parent.object_type, parent.object_id) != (
            project.id,
            object_type,
            object_id,
        ):
            raise LookupError("parent")
        parent = db.session.get(Comment, parent.parent_id) if parent.parent_id else parent
    # Serialise posts per project: ids are then allocated in commit order (no gap a
    # reconnecting client could miss). SQLite serialises writers anyway. FOR NO KEY UPDATE,
    # not FOR UPDATE: another transaction's activity entry, inserted at its commit while it
    # holds the project's revision row, checks its foreign key to the project with a key-share
    # lock — which FOR UPDATE would block, while this post waits for that revision row.
    db.session.execute(
        db.select(Project.id).where(Project.id == project.id).with_for_update(key_share=True)
    )
    people = members(project, c.permission)
    comment = Comment(
        project_id=project.id,
        object_type=object_type,
        object_id=object_id,
        parent_id=parent.id if parent else None,
        author=author,
        body=body,
        html=render_markdown(body, people),
        idempotency_key=key or None,
    )
    db.session.add(comment)
    attach_files(comment, project, author, files)
    db.session.flush()
    label = c.label(obj)
    summary = (
        _l("a répondu dans « %(label)s »", label=label)
        if parent
        else _l("a commenté « %(label)s »", label=label)
    )
    _publish("created", comment, author, c, obj, summary)
    _notify(project, author, comment, c, obj, find_mentions(body, people), parent)
    return comment, True


def _notify(project, author, comment, c, obj, mentioned, parent) -> None:
    url, label = object_url(c, obj, comment.id), c.label(obj)
    notifications.notify(
        mentioned,
        "mention",
        project,
        _l("%(name)s vous a mentionné dans « %(label)s »", name=author.name, label=label),
        url,
        author,
        comment.body,
    )
    if parent is None:
        return
    allowed = {uid for ids in members(project, c.permission).values() for uid in ids}
    authors = db.session.scalars(
        db.select(Comment.author_id).where(
            (Comment.id == parent.id) | (Comment.parent_id == parent.id)
        )
    )
    participants = (set(authors) & allowed) - set(mentioned)
    notifications.notify(
        participants,
        "reply",
        project,
        _l("%(name)s a répondu dans « %(label)s »", name=author.name, label=label),
        url,
        author,
        comment.body,
    )


def _editable(comment: Comment, actor):
    if comment.deleted:
        raise LookupError("deleted")
    if comment.author_id != actor.id:
        raise PermissionError
    project = comment_project(comment)
    found = resolve(project, actor, comment.object_type, comment.object_id)
    if found is None:
        raise LookupError(comment.object_type)
    return project, found


@in_request
def edit_comment(comment: Comment, actor, body: str) -> None:
    """Change one's own comment; newly mentioned members are notified."""
    project, (c, obj) = _editable(comment, actor)
    body = check_body(body)
    people = members(project, c.permission)
    before = find_mentions(comment.body, people)
    comment.body, comment.html, comment.edited_at = body, render_markdown(body, people), utcnow()
    db.session.flush()
    label = c.label(obj)
    _publish(
        "edited",
        comment,
        actor,
        c,
        obj,
        _l("a modifié un commentaire sur « %(label)s »", label=label),
    )
    new = find_mentions(body, people) - before
    notifications.notify(
        new,
        "mention",
        project,
        _l("%(name)s vous a mentionné dans « %(label)s »", name=actor.name, label=label),
        object_url(c, obj, comment.id),
        actor,
    )


@in_request
def delete_comment(comment: Comment, actor) -> None:
    """Delete one's own comment: a tombstone stays so that replies keep their place; its
    documents are deleted for good."""
    _project, (c, obj) = _editable(comment, actor)
    comment.body, comment.html, comment.deleted_at = "", "", utcnow()
    for attached in list(comment.files):
        comment.files.remove(attached)
        discard_stored(attached.file)
    db.session.flush()
    summary = _l("a supprimé un commentaire sur « %(label)s »", label=c.label(obj))
    _publish("deleted", comment, actor, c, obj, summary)
