"""Notifications: the in-app centre, per-kind preferences, email now or in a daily digest.

Plugins never call this module for their own events: :func:`on_project_event` listens to
:data:`workspace.events.project_event` and derives notifications from the published event
types (``milestone:submitted`` → advisers, ``task:assigned`` → ``data["assignees"]``, …).
The comments plugin calls :func:`notify` directly for mentions and replies.

Delivery follows the transaction: rows are written in the caller's session; emails and the
realtime push to the user's personal room are queued on the session and sent **after** the
commit (a rollback discards them), exactly like realtime notices in ``events.py``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from workspace.events import project_event
from workspace.extensions import db
from workspace.models import IdMixin, Membership, Project, User, UTCDateTime, utcnow

PARIS = ZoneInfo("Europe/Paris")

#: kind → (label, default channel). Channels: app (in-app only), email (in-app + email now),
#: digest (in-app + daily digest), off (nothing).
KINDS = {
    "mention": (_l("On me mentionne"), "email"),
    "reply": (_l("Réponse dans une discussion où j'ai écrit"), "app"),
    "milestone_submitted": (_l("Jalon soumis à validation (conseil)"), "email"),
    "milestone_decided": (_l("Jalon validé ou renvoyé (direction)"), "email"),
    "measurement_questioned": (_l("Mesure questionnée (direction)"), "app"),
    "task_assigned": (_l("Tâche qui m'est attribuée"), "app"),
    "member_joined": (_l("Invitation acceptée"), "app"),
    "aid_repayable": (_l("Aide à rembourser (financeur)"), "email"),
}
CHANNELS = {
    "app": _l("Dans l'application"),
    "email": _l("E-mail immédiat"),
    "digest": _l("Résumé quotidien"),
    "off": _l("Désactivé"),
}


class Notification(IdMixin, db.Model):
    __revision__ = False  # one person's notification (workspace/cache/revisions.py)
    __tablename__ = "notification"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), nullable=True, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10), default="app")
    text: Mapped[str] = mapped_column(String(600))
    text_en: Mapped[str] = mapped_column(String(600), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    project: Mapped[Project | None] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    def text_for(self, lang: str) -> str:
        return self.text_en if lang == "en" and self.text_en else self.text


class NotificationPreference(IdMixin, db.Model):
    __revision__ = False  # one person's preference (workspace/cache/revisions.py)
    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))


class DigestLog(IdMixin, db.Model):
    """One row per user and day once the digest is sent: a second run sends nothing."""

    __revision__ = False  # one person's digest log (workspace/cache/revisions.py)
    __tablename__ = "notification_digest"
    __table_args__ = (UniqueConstraint("user_id", "day"),)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- service ---------------------------------------------------------------------------------


def preferences(user_id: int) -> dict[str, str]:
    """The channel of every kind for one user (defaults filled in)."""
    rows = db.session.scalars(db.select(NotificationPreference).filter_by(user_id=user_id))
    chosen = {p.kind: p.channel for p in rows}
    return {k: chosen.get(k, default) for k, (_label, default) in KINDS.items()}


def set_preference(user_id: int, kind: str, channel: str) -> None:
    if kind not in KINDS or channel not in CHANNELS:
        raise ValueError(kind)
    pref = db.session.scalar(
        db.select(NotificationPreference).filter_by(user_id=user_id, kind=kind)
    )
    if pref is None:
        db.session.add(NotificationPreference(user_id=user_id, kind=kind, channel=channel))
    else:
        pref.channel = channel


def _render(text) -> tuple[str, str]:
    if isinstance(text, tuple):  # already rendered (French, English)
        return text[0][:600], text[1][:600]
    out = []
    for lang in ("fr", "en"):
        with force_locale(lang):
            out.append(str(text)[:600])
    return out[0], out[1]


def notify(user_ids, kind: str, project: Project | None, text, url: str = "", actor=None) -> list:
    """Notify each user (actor excluded) in the current transaction; deliver after commit.

    ``text`` is a lazy French string (rendered in French and English now).
    """
    actor_id = getattr(actor, "id", None)
    wanted = sorted({int(u) for u in user_ids if u and int(u) != actor_id})
    if not wanted:
        return []
    fr, en = _render(text)
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(wanted)))}
    created = []
    for uid in wanted:
        user = users.get(uid)
        channel = preferences(uid)[kind] if user and user.active else "off"
        if channel == "off":
            continue
        n = Notification(
            user_id=uid,
            project_id=project.id if project else None,
            actor_id=actor_id,
            kind=kind,
            channel=channel,
            text=fr,
            text_en=en,
            url=(url or "")[:500],
        )
        db.session.add(n)
        db.session.flush()
        created.append(n)
        out = db.session.info.setdefault("notifications_out", [])
        out.append(("push", uid, {"type": "notification", "id": n.id, "text": fr, "url": n.url}))
        if channel == "email":
            out.append(("mail", user.email, _mail(user, n)))
    return created


def _mail(user: User, n: Notification) -> tuple[str, str]:
    """Subject and body of an immediate email, in the recipient's language."""
    lang = user.locale if user.locale in ("fr", "en") else "fr"
    text = n.text_for(lang)
    with force_locale(lang):
        subject = _("[Coopilote] %(text)s", text=text[:120])
        body = _("%(text)s\n\nVoir : %(url)s", text=text, url=absolute(n.url))
        body += "\n\n" + _(
            "Vos préférences de notification : %(url)s", url=absolute("/notifications/preferences")
        )
    return subject, body


def absolute(url: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url if url.startswith("/") else url


@sa_event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    from workspace.notifications.mail import send_mail
    from workspace.realtime.hub import notify_user

    for what, to, payload in session.info.pop("notifications_out", []):
        try:
            if what == "push":
                notify_user(to, payload)
            else:
                send_mail(to, *payload)
        except Exception:  # a mail server down must not break the committed request
            current_app.logger.exception("notification delivery failed")


@sa_event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, previous_transaction) -> None:
    session.info.pop("notifications_out", None)


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        db.select(func.count(Notification.id)).filter_by(user_id=user_id, read_at=None)
    )


def _members(project: Project, role: str) -> list[int]:
    return list(
        db.session.scalars(
            db.select(Membership.user_id).filter_by(project_id=project.id, role=role)
        )
    )


# Event type → (kind, recipients(project, event)).
RULES = {
    "milestone:submitted": ("milestone_submitted", lambda p, e: _members(p, "adviser")),
    "milestone:validated": ("milestone_decided", lambda p, e: _members(p, "director")),
    "milestone:returned": ("milestone_decided", lambda p, e: _members(p, "director")),
    "measurement:questioned": ("measurement_questioned", lambda p, e: _members(p, "director")),
    "task:assigned": ("task_assigned", lambda p, e: e.data.get("assignees") or []),
    "member:joined": ("member_joined", lambda p, e: [e.data.get("invited_by")]),
    "funding:repayable": ("aid_repayable", lambda p, e: _members(p, "funder")),
}


def on_project_event(project, event) -> None:
    """Derive notifications from a published domain event (see :data:`RULES`)."""
    rule = RULES.get(event.type)
    if rule is None:
        return
    kind, recipients = rule
    who = event.data.get("by_name") or ""
    # The event summary is already rendered in both languages ("a validé le jalon « X »").
    text = (f"{who} {event.summary['fr']}".strip(), f"{who} {event.summary['en']}".strip())
    actor = db.session.get(User, event.actor_id) if event.actor_id else None
    notify(recipients(project, event), kind, project, text, event.data.get("url", ""), actor)


# --- digest ----------------------------------------------------------------------------------


def send_digests(day: date) -> int:
    """Send the digest of ``day`` (Paris time) to every user who has one; returns how many.

    Idempotent: a user already in :class:`DigestLog` for that day is skipped.
    """
    start = datetime.combine(day, time.min, PARIS).astimezone(UTC)
    end = start + timedelta(days=1)
    rows = db.session.scalars(
        db.select(Notification)
        .where(Notification.channel == "digest")
        .where(Notification.created_at >= start, Notification.created_at < end)
        .order_by(Notification.user_id, Notification.project_id, Notification.id)
    ).all()
    by_user: dict[int, list[Notification]] = {}
    for n in rows:
        by_user.setdefault(n.user_id, []).append(n)
    done = set(db.session.scalars(db.select(DigestLog.user_id).filter_by(day=day)))
    sent = 0
    for uid, items in by_user.items():
        if uid in done:
            continue
        user = db.session.get(User, uid)
        subject, body = _digest_mail(user, day, items)
        db.session.add(DigestLog(user_id=uid, day=day, count=len(items)))
        db.session.info.setdefault("notifications_out", []).append(
            ("mail", user.email, (subject, body))
        )
        db.session.commit()  # one user at a time: a crash half-way resends to nobody twice
        sent += 1
    return sent


def _digest_mail(user: User, day: date, items: list[Notification]) -> tuple[str, str]:
    from workspace.web.formats import long_date

    with force_locale("fr"):
        when = long_date(day)
        subject = _("[Coopilote] Résumé du %(day)s", day=when)
        lines = [
            _("Bonjour %(name)s,", name=user.name),
            "",
            _("Ce qui s'est passé le %(day)s :", day=when),
        ]
        groups: dict[str, list[Notification]] = {}
        for n in items:
            groups.setdefault(n.project.name if n.project else _("Général"), []).append(n)
        for name, group in groups.items():
            lines += [
                "",
                f"== {name} ==",
                *(f"- {n.text}  {absolute(n.url)}".rstrip() for n in group),
            ]
        lines += [
            "",
            _("Préférences : %(url)s", url=absolute(url_for("notifications.preferences_page"))),
        ]
    return subject, "\n".join(lines)


@click.group("digest", help="Daily notification digest.")
def digest_cli():
    pass


@digest_cli.command("send")
@click.option("--date", "day", default=None, help="Day to summarise (YYYY-MM-DD); default today.")
def digest_send(day):
    """Send the daily digest (French, grouped by project); idempotent for a given day."""
    try:
        when = date.fromisoformat(day) if day else datetime.now(PARIS).date()
    except ValueError as exc:
        raise click.BadParameter("expected YYYY-MM-DD", param_hint="--date") from exc
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        sent = send_digests(when)
    click.echo(f"digest {when.isoformat()}: {sent} sent")


# --- pages -----------------------------------------------------------------------------------

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PAGE = 30


@bp.route("/")
@login_required
def index():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items = db.paginate(
        db.select(Notification).filter_by(user_id=current_user.id).order_by(Notification.id.desc()),
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
    """Register the pages, the event receiver and the ``digest`` command."""
    app.register_blueprint(bp)
    project_event.connect(on_project_event, weak=False)
    app.cli.add_command(digest_cli)
