"""The daily digest: one e-mail per person and day, grouped by project, sent once.

The job worker sends the previous day's digest by itself once the hour ``DIGEST_HOUR``
(Paris time) has come (:func:`send_due_digest`, a periodic task); ``flask --app workspace
digest send [--date YYYY-MM-DD]`` sends one by hand (or from cron, with ``DIGEST_HOUR=off``).
Either way only notifications whose channel is ``digest`` go in, and
:class:`~workspace.notifications.center.DigestLog` makes a day's digest go out once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import click
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from workspace.extensions import db
from workspace.jobs.periodic import periodic
from workspace.models import User
from workspace.notifications.center import PARIS, DigestLog, Notification, absolute
from workspace.notifications.mail import queue_mail


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
        queue_mail(user.email, subject, body)  # in the same transaction as the log
        db.session.commit()  # one user at a time: a crash half-way resends to nobody twice
        sent += 1
    return sent


def digest_hour() -> int | None:
    """The hour (0–23, Paris) after which the worker sends yesterday's digest; None: off."""
    value = str(current_app.config.get("DIGEST_HOUR", "7")).strip().lower()
    return int(value) if value.isdigit() and int(value) < 24 else None


@periodic("digest", every=300)
def send_due_digest(now: datetime | None = None) -> int:
    """Send yesterday's digest once its hour has come (a whole day, closed: nothing of it
    comes after the send); how many were sent. A worker down at that hour catches up later
    the same day; the log keeps every later tick from sending it again."""
    hour = digest_hour()
    now = (now or datetime.now(UTC)).astimezone(PARIS)
    if hour is None or now.hour < hour:
        return 0
    return send_digests(now.date() - timedelta(days=1))


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
            lines += ["", f"== {name} =="]
            for n in group:
                lines.append(f"- {n.text}  {absolute(n.url)}".rstrip())
                if n.detail:  # what was said, on one line: the e-mail of each one has it whole
                    said = " ".join(n.detail.split())
                    lines.append(f"  > {said[:300]}{'…' if len(said) > 300 else ''}")
        lines += [
            "",
            _("Préférences : %(url)s", url=absolute(url_for("notifications.preferences_page"))),
        ]
    return subject, "\n".join(lines)


@click.group("digest", help="Daily notification digest.")
def digest_cli():
    pass


@digest_cli.command("send")
@click.option(
    "--date", "day", default=None, help="Day to summarise (YYYY-MM-DD); default yesterday."
)
def digest_send(day):
    """Send a day's digest (French, grouped by project); idempotent for a given day. The
    default is yesterday, a closed day (what today still brings goes in tomorrow's)."""
    try:
        when = date.fromisoformat(day) if day else datetime.now(PARIS).date() - timedelta(days=1)
    except ValueError as exc:
        raise click.BadParameter("expected YYYY-MM-DD", param_hint="--date") from exc
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        sent = send_digests(when)
    click.echo(f"digest {when.isoformat()}: {sent} sent")
