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

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from workspace.cache.memo import per_request
from workspace.extensions import db
from workspace.models import IdMixin, Membership, Project, User, UTCDateTime, utcnow
from workspace.notifications.mail import queue_mail

PARIS = ZoneInfo("Europe/Paris")
DETAIL_MAX = 2000  # characters of the comment or decision kept with a notification

#: kind → (label, default channel). Channels: app (in-app only), email (in-app + email now),
#: digest (in-app + daily digest), off (nothing).
KINDS = {
    "mention": (_l("On me mentionne"), "email"),
    "reply": (_l("Réponse dans une discussion où j'ai écrit"), "app"),
    "milestone_submitted": (_l("Jalon soumis à validation (conseil)"), "email"),
    "milestone_decided": (_l("Jalon validé ou renvoyé (direction)"), "email"),
    "measurement_questioned": (_l("Mesure questionnée (direction)"), "app"),
    "measurement_to_review": (_l("Mesure à examiner (évaluation)"), "digest"),
    "question_answered": (_l("Réponse à une question que j'ai posée (évaluation)"), "email"),
    "task_assigned": (_l("Tâche qui m'est attribuée"), "app"),
    "member_joined": (_l("Invitation acceptée"), "app"),
    "aid_repayable": (_l("Aide à rembourser (financeur)"), "email"),
    "plan_review": (_l("Section du plan à relire (conseil)"), "email"),
    "plan_decided": (_l("Section du plan validée ou renvoyée (direction)"), "app"),
    "job_done": (_l("Bilan ou export demandé prêt, ou en échec"), "app"),
    "intake_new": (_l("Nouvelle demande d'information ou d'accompagnement (Pôle)"), "email"),
    "portfolio_weekly": (_l("Point hebdomadaire de mes projets accompagnés (conseil)"), "email"),
    "application_submitted": (
        _l("Nouvelle candidature à un appel de mon organisation (financeur)"),
        "email",
    ),
    "application_decided": (
        _l("Décision sur une candidature de mon projet, puis suivi de l'aide (coordination)"),
        "email",
    ),
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
    #: What was said: the comment, the question, the answer, the reason of a decision.
    detail: Mapped[str] = mapped_column(String(DETAIL_MAX), default="", server_default="")
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


def notify(
    user_ids, kind: str, project: Project | None, text, url: str = "", actor=None, detail=""
) -> list:
    """Notify each user (actor excluded) in the current transaction; deliver after commit.

    ``text`` is a lazy French string (rendered in French and English now); ``detail`` what
    was said, as written (a comment, a question, the reason of a decision): shown under the
    headline and quoted in the e-mail.
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
            detail=_excerpt(detail),
        )
        db.session.add(n)
        db.session.flush()
        created.append(n)
        out = db.session.info.setdefault("notifications_out", [])
        out.append(("push", uid, {"type": "notification", "id": n.id, "text": fr, "url": n.url}))
        if channel == "email":
            queue_mail(user.email, *_mail(user, n))  # the worker sends it after the commit
    return created


def _excerpt(detail) -> str:
    detail = str(detail or "").strip()
    return detail if len(detail) <= DETAIL_MAX else detail[: DETAIL_MAX - 1] + "…"


def _mail(user: User, n: Notification) -> tuple[str, str]:
    """Subject and body of an immediate email, in the recipient's language."""
    lang = user.locale if user.locale in ("fr", "en") else "fr"
    text = n.text_for(lang)
    with force_locale(lang):
        subject = _("[Coopilote] %(text)s", text=text[:120])
        body = text
        if n.detail:
            body += "\n\n" + "\n".join(f"> {line}".rstrip() for line in n.detail.splitlines())
        body += "\n\n" + _("Voir : %(url)s", url=absolute(n.url))
        body += "\n\n" + _(
            "Vos préférences de notification : %(url)s", url=absolute("/notifications/preferences")
        )
    return subject, body


def absolute(url: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url if url.startswith("/") else url


@sa_event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    from workspace.realtime.hub import notify_user

    for _what, to, payload in session.info.pop("notifications_out", []):
        try:
            notify_user(to, payload)
        except Exception:  # the message queue away must not break the committed request
            current_app.logger.exception("notification push failed")


@sa_event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, previous_transaction) -> None:
    session.info.pop("notifications_out", None)


@per_request  # the bell and the notifications page both show it
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
    "indicator:questioned": ("measurement_questioned", lambda p, e: _members(p, "director")),
    "measurement:created": ("measurement_to_review", lambda p, e: _members(p, "evaluator")),
    "measurement:updated": ("measurement_to_review", lambda p, e: _members(p, "evaluator")),
    "measurement:answered": ("question_answered", lambda p, e: [e.data.get("asked_by")]),
    "indicator:answered": ("question_answered", lambda p, e: [e.data.get("asked_by")]),
    "task:assigned": ("task_assigned", lambda p, e: e.data.get("assignees") or []),
    "member:joined": ("member_joined", lambda p, e: [e.data.get("invited_by")]),
    "funding:repayable": ("aid_repayable", lambda p, e: _members(p, "funder")),
    "plan:review_requested": ("plan_review", lambda p, e: _members(p, "adviser")),
    "plan:validated": ("plan_decided", lambda p, e: _members(p, "director")),
    "plan:returned": ("plan_decided", lambda p, e: _members(p, "director")),
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
    url, detail = event.data.get("url", ""), event.data.get("detail", "")
    notify(recipients(project, event), kind, project, text, url, actor, detail)
