"""Notification pages: the centre, the bell, marking read, per-kind preferences."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from workspace.events import project_event
from workspace.extensions import db
from workspace.models import utcnow
from workspace.notifications.center import (
    CHANNELS,
    KINDS,
    Notification,
    on_project_event,
    preferences,
    set_preference,
    unread_count,
)
from workspace.notifications.digest import digest_cli

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PAGE = 30


@bp.route("/")
@login_required
def index():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items = db.paginate(
        db.select(Notification)
        .filter_by(user_id=current_user.id)
        .order_by(Notification.id.desc())
        # Each row names its actor and project: joined to the page's query.
        .options(joinedload(Notification.actor), joinedload(Notification.project)),
        page=page,
        per_page=PAGE,
        error_out=False,
    )
    return render_template(
        "notifications/index.html", items=items, unread=unread_count(current_user.id)
    )


@bp.route("/bell")
@login_required
def bell():
    return render_template("notifications/_bell.html", unread=unread_count(current_user.id))


def _mine(notification_id: int) -> Notification:
    n = db.session.get(Notification, notification_id)
    if n is None or n.user_id != current_user.id:
        abort(404)
    return n


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_(notification_id: int):
    """Mark one notification read and go to what it is about."""
    n = _mine(notification_id)
    n.read_at = n.read_at or utcnow()
    db.session.commit()
    _push_read()
    target = n.url if n.url.startswith("/") and not n.url.startswith("//") else None
    return redirect(target or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    _push_read()
    from workspace.web.feedback import toast

    toast(_("Toutes les notifications sont marquées comme lues."))
    return redirect(url_for("notifications.index"))


def _push_read() -> None:
    """Other open tabs refresh their bell."""
    from workspace.realtime.hub import notify_user

    notify_user(current_user.id, {"type": "notifications:read"})


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences_page():
    errors = []
    if request.method == "POST":
        for kind in KINDS:
            channel = request.form.get(kind, "")
            if channel not in CHANNELS:
                errors.append(kind)
        if not errors:
            for kind in KINDS:
                set_preference(current_user.id, kind, request.form[kind])
            db.session.commit()
            from workspace.web.feedback import toast

            toast(_("Préférences enregistrées."))
            return redirect(url_for("notifications.preferences_page"))
    prefs = preferences(current_user.id) | {k: request.form.get(k, "") for k in errors}
    return render_template(
        "notifications/preferences.html", prefs=prefs, kinds=KINDS, channels=CHANNELS, errors=errors
    ), (400 if errors else 200)


def init_notifications(app) -> None:
    """Register the pages, the event receiver, the ``digest`` command and the mail queue."""
    from workspace.notifications import outbox as _outbox  # noqa: F401 - its table and task

    app.register_blueprint(bp)
    project_event.connect(on_project_event, weak=False)
    app.cli.add_command(digest_cli)
