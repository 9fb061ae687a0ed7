"""Comment resources of the REST API: the thread of one object, post, edit, delete.

The object (``object_type`` + ``object_id``) is checked by ``operations.resolve`` exactly as
on the pages: an object of another project, or one the caller may not see, is a 404.
"""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.base import ApiBlueprint, invalid
from workspace.api.errors import ApiError
from workspace.api.pages import CursorArgs, page
from workspace.api.schemas import ApiSchema, Int, Moment, Text, body, body_of, files_field
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
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.project_id != project_id:
        raise ApiError(404)
    if ops.resolve(g.project, current_user, comment.object_type, comment.object_id) is None:
        raise ApiError(404)
    return comment


@api_bp.operation(
    "/comments",
    permission="comments.view",
    response=CommentSchema,
    many=True,
    query=ThreadFilters,
)
def comments(args, project_id: int):
    """The comments on one object (object_type and object_id are required)"""
    if ops.resolve(g.project, current_user, args["object_type"], args["object_id"]) is None:
        raise ApiError(404)
    stmt = db.select(Comment).filter_by(
        project_id=project_id, object_type=args["object_type"], object_id=args["object_id"]
    )
    return page(stmt, Comment.id, args)


@api_bp.operation(
    "/comments/<int:comment_id>",
    permission="comments.view",
    response=CommentSchema,
)
def comment(project_id: int, comment_id: int):
    """One comment"""
    return _mine(project_id, comment_id)


@api_bp.operation(
    "/comments",
    "POST",
    permission="comments.post",
    body=body_of(CommentSchema, "Create"),
    response=CommentSchema,
    status=201,
)
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
    db.session.commit()
    return new


@api_bp.operation(
    "/comments/<int:comment_id>",
    "PATCH",
    permission="comments.post",
    body=CommentEdit,
    response=CommentSchema,
)
def edit_comment(data, project_id: int, comment_id: int):
    """Edit one's own comment"""
    current = _mine(project_id, comment_id)
    api_bp.check_etag(current, CommentSchema)
    _change(ops.edit_comment, current, data["body"])
    return current


@api_bp.operation("/comments/<int:comment_id>", "DELETE", permission="comments.post", status=204)
def delete_comment(project_id: int, comment_id: int):
    """Delete one's own comment (a tombstone stays)"""
    _change(ops.delete_comment, _mine(project_id, comment_id))


def _change(action, comment: Comment, *args) -> None:
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
    db.session.commit()
