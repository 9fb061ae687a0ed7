"""The weekly portfolio point: on Monday, each person who accompanies projects as an adviser
receives the state of their portfolio — what asks for attention first, one line per project.

It is a notification of kind ``portfolio_weekly`` (an e-mail by default; the bell, the daily
digest or nothing, as the person chose), sent by the job worker once ``DIGEST_HOUR`` has
come on Monday (Paris time); :class:`~.models.PortfolioPointLog` makes it go out once a week.
``flask --app workspace portfolio send-weekly`` sends it by hand (idempotent too).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import click
from flask import current_app, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from workspace.extensions import db
from workspace.jobs.periodic import periodic
from workspace.models import Membership, Project, User
from workspace.notifications.center import DETAIL_MAX, PARIS, notify
from workspace.notifications.digest import digest_hour
from workspace.web.formats import short_date

from .models import PortfolioPointLog
from .portfolio_data import PortfolioFilters, PortfolioRow, portfolio_rows


def advisers() -> list[User]:
    """Active people with an adviser's role in at least one project not archived."""
    return list(
        db.session.scalars(
            db.select(User)
            .where(User.active.is_(True))
            .where(
                User.id.in_(
                    db.select(Membership.user_id)
                    .join(Project, Project.id == Membership.project_id)
                    .where(Membership.role == "adviser", Project.archived.is_(False))
                )
            )
            .order_by(User.id)
        )
    )


def send_weekly_points(week: date, today: date | None = None) -> int:
    """Send the point of the week starting ``week`` (a Monday) to every adviser who has not
    had it; how many were sent. One person per transaction: a crash resends to nobody."""
    today = today or date.today()
    done = set(db.session.scalars(db.select(PortfolioPointLog.user_id).filter_by(week=week)))
    sent = 0
    for user in advisers():
        if user.id in done:
            continue
        lang = user.locale if user.locale in ("fr", "en") else "fr"
        with force_locale(lang):  # the alerts are worded as the rows are read
            rows = portfolio_rows(user, PortfolioFilters(sort="alerts"), today)
            detail = point_text(rows)
        headline = _headline(len(rows), sum(bool(r.alerts) for r in rows))
        url = url_for("dashboard_portfolio.portfolio")
        notify([user.id], "portfolio_weekly", None, headline, url, detail=detail)
        db.session.add(PortfolioPointLog(user_id=user.id, week=week, projects=len(rows)))
        db.session.commit()
        sent += 1
    return sent


def _headline(projects: int, attention: int) -> tuple[str, str]:
    """The notification's headline in French and English (a notification keeps both)."""
    out = []
    for lang in ("fr", "en"):
        with force_locale(lang):
            out.append(
                _(
                    "Point de la semaine : %(projects)s, dont %(attention)s",
                    projects=ngettext("%(num)d projet", "%(num)d projets", projects),
                    attention=ngettext(
                        "%(num)d demande votre attention",
                        "%(num)d demandent votre attention",
                        attention,
                    ),
                )
            )
    return out[0], out[1]


def point_text(rows: list[PortfolioRow]) -> str:
    """One line per project asking for attention (its alerts, its next milestone), then how
    many are calm; within the length a notification keeps."""
    lines = []
    calm = [r for r in rows if not r.alerts]
    for r in rows:
        if not r.alerts:
            continue
        line = f"{r.project.name} ({r.project.stage_enum.label}) : "
        line += ", ".join(str(a["text"]) for a in r.alerts)
        nxt = r.next_milestone
        if nxt and nxt["date"]:
            when = short_date(nxt["date"])
            line += " — " + _("prochain jalon : %(title)s, %(date)s", title=nxt["title"], date=when)
        lines.append(line)
    if calm:
        lines.append(
            ngettext("%(num)d projet sans alerte.", "%(num)d projets sans alerte.", len(calm))
        )
    text = "\n".join(lines)
    if len(text) > DETAIL_MAX:
        more = _("… la suite dans le portefeuille.")
        text = text[: DETAIL_MAX - len(more) - 1].rsplit("\n", 1)[0] + "\n" + more
    return text


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@periodic("portfolio-weekly", every=600)
def send_due_weekly_points(now: datetime | None = None) -> int:
    """On Monday once ``DIGEST_HOUR`` has come (Paris), send this week's point; a worker
    down then catches up later in the week; the log keeps it to once a week."""
    hour = digest_hour()
    now = (now or datetime.now(UTC)).astimezone(PARIS)
    if hour is None or (now.weekday() == 0 and now.hour < hour):
        return 0
    return send_weekly_points(monday_of(now.date()), now.date())


@click.group("portfolio", help="The advisers' portfolio.")
def portfolio_cli():
    pass


@portfolio_cli.command("send-weekly")
def send_weekly_command():
    """Send this week's portfolio point to the advisers who have not had it."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        today = datetime.now(PARIS).date()
        sent = send_weekly_points(monday_of(today), today)
        db.session.commit()
    click.echo(f"portfolio point of the week {monday_of(today).isoformat()}: {sent} sent")
