"""Comment resources of the REST API: the thread of one object, post, edit, delete.

The object (``object_type`` + ``object_id``) is checked by ``operations.resolve`` exactly as
on the pages: an object of another project, or one the caller may not see, is a 404.
"""

from __future__ import annotations

from flask import Blueprint, g
from flask_babel import gettext as _
from flask_login import current_user

from workspace.api.core import check_if_match, endpoint, files_field, item, no_content, page
from workspace.api.errors import ApiError
from workspace.api.fields import F, Resource
from workspace.extensions import db

from . import operations as ops
from .models import MAX_BODY, Comment

api_bp = Blueprint("comments_api", __name__)

COMMENT = Resource(
    "Comment",
    {
        "id": F("integer", read_only=True),
        "object_type": F("string", required=True, max_length=40, description="task, milestone…"),
        "object_id": F("integer", required=True),
        "parent_id": F("integer", nullable=True, description="The comment answered"),
        "author_id": F("integer", read_only=True),
        "body": F("text", required=True, max_length=MAX_BODY, description="Markdown"),
        "html": F("text", read_only=True, description="Sanitised HTML rendering"),
        "files": files_field(
            lambda c: c.files, "Documents sent with the message (posted from the web form)"
        ),
        "created_at": F("datetime", read_only=True),
        "edited_at": F("datetime", read_only=True, nullable=True),
        "deleted_at": F("datetime", read_only=True, nullable=True),
    },
    "A comment on an object of the project (deleted ones stay as empty tombstones).",
)

THREAD = {
    "object_type": F("string", required=True, max_length=40),
    "object_id": F("integer", required=True),
}
EDIT = {"body": F("text", required=True, max_length=MAX_BODY)}


def _mine(project_id: int, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.project_id != project_id:
        raise ApiError(404)
    if ops.resolve(g.project, current_user, comment.object_type, comment.object_id) is None:
        raise ApiError(404)
    return comment


@endpoint(
    api_bp,
    "/comments",
    summary="The comments on one object (object_type and object_id are required)",
    tag="comments",
    permission="comments.view",
    response=COMMENT,
    many=True,
    query=THREAD,
)
def comments(project_id: int, args):
    missing = {n: _("Ce paramètre est obligatoire.") for n in THREAD if n not in args}
    if missing:
        raise ApiError(400, _("Paramètres de requête invalides."), missing)
    if ops.resolve(g.project, current_user, args["object_type"], args["object_id"]) is None:
        raise ApiError(404)
    stmt = db.select(Comment).filter_by(
        project_id=project_id, object_type=args["object_type"], object_id=args["object_id"]
    )
    return page(stmt, Comment.id, args, COMMENT)


@endpoint(
    api_bp,
    "/comments/<int:comment_id>",
    summary="One comment",
    tag="comments",
    permission="comments.view",
    response=COMMENT,
)
def comment(project_id: int, comment_id: int):
    return item(_mine(project_id, comment_id), COMMENT)


@endpoint(
    api_bp,
    "/comments",
    "POST",
    summary="Comment on an object (mentions notify)",
    tag="comments",
    permission="comments.post",
    body=COMMENT,
    response=COMMENT,
    status=201,
    name="post_comment",
)
def post_comment(project_id: int, data):
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
    return item(new, COMMENT, 201)


@endpoint(
    api_bp,
    "/comments/<int:comment_id>",
    "PATCH",
    summary="Edit one's own comment",
    tag="comments",
    permission="comments.post",
    body_fields=EDIT,
    response=COMMENT,
    if_match=True,
    name="edit_comment",
)
def edit_comment(project_id: int, comment_id: int, data):
    current = _mine(project_id, comment_id)
    check_if_match(current, COMMENT)
    _change(ops.edit_comment, current, data["body"])
    return item(current, COMMENT)


@endpoint(
    api_bp,
    "/comments/<int:comment_id>",
    "DELETE",
    summary="Delete one's own comment (a tombstone stays)",
    tag="comments",
    permission="comments.post",
    status=204,
    name="delete_comment",
)
def delete_comment(project_id: int, comment_id: int):
    _change(ops.delete_comment, _mine(project_id, comment_id))
    return no_content()


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
        raise ApiError(400, str(exc), {"body": str(exc)}) from None
    db.session.commit()
