"""Comment resources of the REST API: the thread of one object, post, edit, delete.

The object (``object_type`` + ``object_id``) is checked by ``operations.resolve`` exactly as
on the pages: an object of another project, or one the caller may not see, is a 404.
"""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.base import ApiBlueprint, get_or_404, invalid
from workspace.api.errors import ApiError
from workspace.api.pages import CursorArgs
from workspace.api.schemas import ApiSchema, Int, Moment, Text, body, files_field
from workspace.extensions import db

from . import operations as ops
from .models import MAX_BODY, Comment

api_bp = ApiBlueprint("comments_api", __name__, tag="comments")


class CommentSchema(ApiSchema):
    """A comment on an object of the project (deleted ones stay as empty tombstones)."""

    id = Int(dump_only=True)
    object_type = Text(required=True, max_length=40, description="task, milestone…")
    object_id = Int(required=True)
    parent_id = Int(allow_none=True, description="The comment answered")
    author_id = Int(dump_only=True)
    body = Text(required=True, max_length=MAX_BODY, description="Markdown")
    html = Text(dump_only=True, description="Sanitised HTML rendering")
    files = files_field(
        lambda c: c.files, "Documents sent with the message (posted from the web form)"
    )
    created_at = Moment(dump_only=True)
    edited_at = Moment(dump_only=True, allow_none=True)
    deleted_at = Moment(dump_only=True, allow_none=True)


class ThreadFilters(CursorArgs):
    object_type = Text(required=True, max_length=40)
    object_id = Int(required=True)


CommentEdit = body("CommentEdit", {"body": Text(required=True, max_length=MAX_BODY)})


def _mine(project_id: int, comment_id: int) -> Comment:
    comment = get_or_404(Comment, comment_id, project_id)
    if ops.resolve(g.project, current_user, comment.object_type, comment.object_id) is None:
        raise ApiError(404)
    return comment


def _thread(stmt, args, project_id: int):
    """The comments of the object named by the query, if the caller may see it."""
    if ops.resolve(g.project, current_user, args["object_type"], args["object_id"]) is None:
        raise ApiError(404)
    return stmt  # object_type and object_id are columns: compared by the listing


api_bp.listing(
    "/comments",
    Comment,
    CommentSchema,
    permission="comments.view",
    summary="The comments on one object (object_type and object_id are required)",
    endpoint="comments",
    filters=ThreadFilters,
    where=_thread,
)
api_bp.read(
    "/comments/<int:comment_id>",
    _mine,
    CommentSchema,
    permission="comments.view",
    summary="One comment",
    endpoint="comment",
)


@api_bp.create("/comments", CommentSchema, permission="comments.post")
def post_comment(data, project_id: int):
    """Comment on an object (mentions notify)"""
    try:
        new, _created = ops.post_comment(
            g.project,
            current_user,
            data["object_type"],
            data["object_id"],
            data["body"],
            parent_id=data.get("parent_id"),
        )
    except ops.CommentError as exc:
        db.session.rollback()
        raise ApiError(400, str(exc), {exc.field: str(exc)}) from None
    except LookupError:
        db.session.rollback()
        raise ApiError(404) from None
    return new


@api_bp.update(
    "/comments/<int:comment_id>", _mine, CommentSchema, permission="comments.post", body=CommentEdit
)
def edit_comment(data, current: Comment):
    """Edit one's own comment"""
    _change(ops.edit_comment, current, data["body"])


@api_bp.operation("/comments/<int:comment_id>", "DELETE", permission="comments.post", status=204)
def delete_comment(project_id: int, comment_id: int):
    """Delete one's own comment (a tombstone stays)"""
    _change(ops.delete_comment, _mine(project_id, comment_id))
    db.session.commit()


def _change(action, comment: Comment, *args) -> None:
    """``action`` on one's own comment; refused as the pages refuse it."""
    try:
        action(comment, current_user, *args)
    except PermissionError:
        db.session.rollback()
        raise ApiError(
            403, _("Seul l'auteur peut modifier ou supprimer son commentaire.")
        ) from None
    except LookupError:
        db.session.rollback()
        raise ApiError(409, _("Ce commentaire a été supprimé.")) from None
    except ops.CommentError as exc:
        db.session.rollback()
        invalid({"body": str(exc)})
