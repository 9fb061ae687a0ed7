"""Comment pages and endpoints under ``/projects/<id>/comments``. Views are thin: they parse,
check permissions, call :mod:`.operations` and commit once."""

from __future__ import annotations

import re
from uuid import uuid4

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from workspace.extensions import db
from workspace.permissions import requires
from workspace.web.errors import error_response, wants_json
from workspace.web.feedback import toast

from . import operations as ops
from .models import MAX_FILES, Comment

bp = Blueprint("comments", __name__, template_folder="templates")
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
TYPE = re.compile(r"^[a-z_]{1,40}$")


def _int(raw) -> int | None:
    """A non-negative id from a query or form value (None when malformed)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _found(object_type: str, object_id: int):
    found = (
        ops.resolve(g.project, current_user, object_type, object_id)
        if TYPE.match(object_type)
        else None
    )
    if found is None:
        abort(404)
    return found


def _comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.project_id != g.project.id:
        abort(404)
    if ops.resolve(g.project, current_user, comment.object_type, comment.object_id) is None:
        abort(404)
    return comment


def panel_context(
    project,
    object_type: str,
    object_id: int,
    c,
    obj,
    error: ops.CommentError | None = None,
    body="",
    before: int | None = None,
) -> dict:
    """Everything ``_panel.html`` needs (used by the page and the ``object_panel`` hook): the
    latest conversations (older than ``before``), the rest on demand; ``error``: the refused
    post, shown next to its field."""
    tops, replies, older = ops.thread_page(project, object_type, object_id, before)
    count, last_id = ops.thread_stats(project, object_type, object_id)
    return {
        "project": project,
        "object_type": object_type,
        "object_id": object_id,
        "label": c.label(obj),
        "tops": tops,
        "replies": replies,
        "older": older,
        "last_id": last_id,
        "count": count,
        "error": str(error) if error and error.field == "body" else None,
        "files_error": str(error) if error and error.field == "files" else None,
        "body": body,
        "new_key": uuid4().hex,
        "max_files": MAX_FILES,
    }


@bp.route("/")
@requires("comments.view")
def index(project_id: int):
    return render_template("comments/index.html", **_threads_context())


@bp.route("/threads")
@requires("comments.view")
def threads(project_id: int):
    return render_template("comments/_threads.html", **_threads_context())


def _threads_context() -> dict:
    project = g.project
    unread = ops.unread(current_user, project)
    rows = []
    pinned = False
    threads = ops.recent_threads(project)
    # The conversations' objects in one query per type, held while resolving them below.
    _held = ops.preload(project, [(t["type"], t["id"]) for t in threads])
    for t in threads:
        found = ops.resolve(project, current_user, t["type"], t["id"])
        if found is None:
            continue
        pinned = pinned or t["type"] == "project"
        rows.append(
            t | {"label": found[0].label(found[1]), "unread": unread.get((t["type"], t["id"]), 0)}
        )
    if not pinned:
        rows.insert(
            0,
            {
                "type": "project",
                "id": project.id,
                "count": 0,
                "latest": None,
                "label": project.name,
                "unread": 0,
            },
        )
    else:
        rows.sort(key=lambda r: r["type"] != "project")
    visible = {(r["type"], r["id"]) for r in rows}
    total = sum(n for key, n in unread.items() if key in visible)
    return {"project": project, "rows": rows, "total_unread": total}


@bp.route("/thread/<object_type>/<int:object_id>")
@requires("comments.view")
def thread(project_id: int, object_type: str, object_id: int):
    c, obj = _found(object_type, object_id)
    if ops.mark_read(current_user, g.project, object_type, object_id):
        # The page renders from what is loaded now (a commit would expire it all: the
        # person, the project, the membership read again by the layout).
        session = db.session()
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True
    before = _int(request.args.get("before"))
    ctx = panel_context(g.project, object_type, object_id, c, obj, before=before or None)
    link = None if object_type == "project" else c.url(obj)
    return render_template("comments/thread.html", link=link, **ctx)


@bp.route("/panel/<object_type>/<int:object_id>")
@requires("comments.view")
def panel(project_id: int, object_type: str, object_id: int):
    """One object's thread and form, for a discussion opened in place (``lazy_object_panel``)."""
    c, obj = _found(object_type, object_id)
    ctx = panel_context(g.project, object_type, object_id, c, obj)
    return render_template("comments/_panel.html", **ctx)


@bp.route("/older")
@requires("comments.view")
def older(project_id: int):
    """The conversations before the top comment ``before`` (« Afficher les … précédentes »)."""
    object_type = request.args.get("type", "")
    object_id, before = _int(request.args.get("id")), _int(request.args.get("before"))
    if object_id is None or not before:
        return error_response(400, _("Paramètres invalides."))
    _found(object_type, object_id)
    tops, replies, rest = ops.thread_page(g.project, object_type, object_id, before)
    return render_template(
        "comments/_older.html",
        project=g.project,
        object_type=object_type,
        object_id=object_id,
        tops=tops,
        replies=replies,
        older=rest,
    )


@bp.route("/thread/<object_type>/<int:object_id>", methods=["POST"])
@requires("comments.post")
def create(project_id: int, object_type: str, object_id: int):
    c, obj = _found(object_type, object_id)
    key = request.form.get("key", "")
    key = key if KEY.match(key) else None
    parent = request.form.get("parent", "")
    parent_id = int(parent) if parent.isdigit() and len(parent) < 10 else None
    try:
        comment, created = ops.post_comment(
            g.project,
            current_user,
            object_type,
            object_id,
            request.form.get("body", ""),
            parent_id,
            key,
            request.files.getlist("files"),
        )
        db.session.commit()
    except ops.CommentError as exc:
        db.session.rollback()
        return _form_error(exc, object_type, object_id, c, obj)
    except LookupError:
        db.session.rollback()
        abort(404)
    except IntegrityError:  # the same key submitted twice at the same instant
        db.session.rollback()
        comment = db.session.scalar(
            db.select(Comment).filter_by(author_id=current_user.id, idempotency_key=key)
        )
        if comment is None:
            raise
        created = False
    if wants_json():
        html = render_template("comments/_comment.html", comment=comment)
        body = {"id": comment.id, "parent": comment.parent_id, "html": html, "created": created}
        return jsonify(body), 201 if created else 200
    toast(_("Message publié."))
    return redirect(
        url_for(
            ".thread",
            project_id=project_id,
            object_type=object_type,
            object_id=object_id,
            _anchor=f"comment-{comment.id}",
        )
    )


def _form_error(exc: ops.CommentError, object_type, object_id, c, obj):
    message = str(exc)
    if wants_json():
        return error_response(400, message, {exc.field: [message]})
    ctx = panel_context(
        g.project, object_type, object_id, c, obj, exc, request.form.get("body", "")[:20_000]
    )
    link = None if object_type == "project" else c.url(obj)
    return render_template("comments/thread.html", link=link, **ctx), 400


@bp.route("/since")
@requires("comments.view")
def since(project_id: int):
    """Comments of one object after id ``after``, in order (catch-up after a reconnection)."""
    object_type = request.args.get("type", "")
    object_id = _int(request.args.get("id"))
    after = _int(request.args.get("after", "0"))
    if object_id is None or after is None:
        return error_response(400, _("Paramètres invalides."))
    _found(object_type, object_id)
    items = ops.thread(g.project, object_type, object_id, after)
    return jsonify(
        {
            "items": [
                {
                    "id": x.id,
                    "parent": x.parent_id,
                    "html": render_template("comments/_comment.html", comment=x),
                }
                for x in items
            ],
            "last": max((x.id for x in items), default=after),
        }
    )


@bp.route("/read", methods=["POST"])
@requires("comments.view")
def read(project_id: int):
    object_type = request.form.get("type", "")
    object_id = _int(request.form.get("id"))
    last = _int(request.form.get("last"))
    if object_id is None:
        return error_response(400, _("Paramètres invalides."))
    _found(object_type, object_id)
    ops.mark_read(current_user, g.project, object_type, object_id, last)
    db.session.commit()
    return "", 204


@bp.route("/<int:comment_id>")
@requires("comments.view")
def show(project_id: int, comment_id: int):
    return render_template("comments/_comment.html", comment=_comment(comment_id))


@bp.route("/<int:comment_id>/edit", methods=["GET", "POST"])
@requires("comments.post")
def edit(project_id: int, comment_id: int):
    comment = _comment(comment_id)
    if comment.author_id != current_user.id:
        abort(403)
    if comment.deleted:
        abort(404)
    if request.method == "GET":
        return render_template(
            "comments/_comment.html", comment=comment, editing=True, body=comment.body
        )
    try:
        ops.edit_comment(comment, current_user, request.form.get("body", ""))
        db.session.commit()
    except ops.CommentError as exc:
        db.session.rollback()
        if wants_json():
            return error_response(400, str(exc), {"body": [str(exc)]})
        return render_template(
            "comments/_comment.html",
            comment=comment,
            editing=True,
            error=str(exc),
            body=request.form.get("body", "")[:20_000],
        ), 400
    return render_template("comments/_comment.html", comment=comment)


@bp.route("/<int:comment_id>/delete", methods=["POST"])
@requires("comments.post")
def delete(project_id: int, comment_id: int):
    comment = _comment(comment_id)
    if comment.author_id != current_user.id:
        abort(403)
    if comment.deleted:
        abort(404)
    ops.delete_comment(comment, current_user)
    db.session.commit()
    toast(_("Message supprimé."))
    return render_template("comments/_comment.html", comment=comment)


@bp.route("/members")
@requires("comments.post")
def members(project_id: int):
    """Members whose name starts with ``q`` (any word), for the @mention autocompletion."""
    q = request.args.get("q", "")[:60].strip().lower()
    people = ops.members(g.project, "comments.view")
    from workspace.models import User

    users = db.session.scalars(
        db.select(User)
        .where(User.id.in_([uid for ids in people.values() for uid in ids]))
        .order_by(User.name)
    )
    found = [u for u in users if any(w.lower().startswith(q) for w in [u.name, *u.name.split()])]
    return jsonify(
        [{"id": u.id, "name": u.name, "organisation": u.organisation.name} for u in found[:8]]
    )
