"""The advisers' weekly portfolio point (issue 17): on Monday after ``DIGEST_HOUR``, once a
week, to who accompanies projects, in their language, through their chosen channel."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import time as clock

from plugins.dashboard.models import PortfolioPointLog
from plugins.dashboard.weekly import monday_of, point_text, send_due_weekly_points
from tests.factories import create_project
from tests.mail import read_outbox
from workspace.extensions import db
from workspace.notifications.center import DETAIL_MAX, PARIS, Notification, set_preference

MONDAY = monday_of(date.today())


def _at(app, day: date, hour: int, minute: int = 0) -> int:
    with app.test_request_context(base_url="https://coopilote.example"):  # as the ticker does
        return send_due_weekly_points(now=datetime.combine(day, clock(hour, minute), PARIS))


def test_the_adviser_gets_the_point_once_a_week_after_the_hour(app, busy, monkeypatch):
    project, people = busy
    monkeypatch.setitem(app.config, "DIGEST_HOUR", "7")
    assert _at(app, MONDAY, 6, 59) == 0 and read_outbox() == []
    assert _at(app, MONDAY, 7) == 1
    [mail] = read_outbox()
    assert mail["to"] == people["adviser"].email  # the adviser alone: not directors, funder…
    assert "Point de la semaine : 1 projet, dont 1 demande votre attention" in mail["subject"]
    body = mail["body"]
    assert project.name in body and "1 jalon à valider" in body and "1 tâche en retard" in body
    assert "prochain jalon : Convention en retard" in body
    assert app.config["BASE_URL"].rstrip("/") + "/portfolio" in body
    assert _at(app, MONDAY, 9) == 0 and _at(app, MONDAY + timedelta(days=3), 9) == 0
    assert len(read_outbox()) == 1
    log = db.session.scalar(db.select(PortfolioPointLog))
    assert (log.user_id, log.week, log.projects) == (people["adviser"].id, MONDAY, 1)
    # next week, again
    assert _at(app, MONDAY + timedelta(days=7), 8) == 1


def test_a_worker_down_on_monday_catches_up_later_in_the_week(app, busy, monkeypatch):
    monkeypatch.setitem(app.config, "DIGEST_HOUR", "7")
    assert _at(app, MONDAY + timedelta(days=2), 3) == 1


def test_the_hour_off_leaves_it_to_the_command(app, busy, monkeypatch):
    monkeypatch.setitem(app.config, "DIGEST_HOUR", "off")
    assert _at(app, MONDAY, 12) == 0
    result = app.test_cli_runner().invoke(args=["portfolio", "send-weekly"])
    assert ": 1 sent" in result.output, result.output
    result = app.test_cli_runner().invoke(args=["portfolio", "send-weekly"])
    assert ": 0 sent" in result.output, result.output


def test_the_chosen_channel_is_kept(app, busy, monkeypatch):
    _project, people = busy
    adviser = people["adviser"]
    monkeypatch.setitem(app.config, "DIGEST_HOUR", "7")
    set_preference(adviser.id, "portfolio_weekly", "app")
    db.session.commit()
    assert _at(app, MONDAY, 8) == 1
    assert read_outbox() == []  # the bell only
    [n] = db.session.scalars(db.select(Notification).filter_by(kind="portfolio_weekly")).all()
    assert n.user_id == adviser.id and n.url == "/portfolio" and "1 jalon à valider" in n.detail
    set_preference(adviser.id, "portfolio_weekly", "off")
    db.session.commit()
    assert _at(app, MONDAY + timedelta(days=7), 8) == 1  # logged, nothing sent
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 1


def test_english_speakers_read_it_in_english(app, busy, monkeypatch):
    _project, people = busy
    people["adviser"].locale = "en"
    db.session.commit()
    monkeypatch.setitem(app.config, "DIGEST_HOUR", "7")
    _at(app, MONDAY, 8)
    [mail] = read_outbox()
    assert "This week: 1 project, 1 needs your attention" in mail["subject"]
    assert "1 milestone to validate" in mail["body"] and "next milestone:" in mail["body"]


def test_archived_projects_and_inactive_people_get_nothing(app, busy, monkeypatch):
    project, people = busy
    monkeypatch.setitem(app.config, "DIGEST_HOUR", "7")
    project.archived = True
    db.session.commit()
    assert _at(app, MONDAY, 8) == 0
    project.archived = False
    people["adviser"].active = False
    db.session.commit()
    assert _at(app, MONDAY, 8) == 0


def test_a_long_portfolio_is_cut_within_a_notification(app, busy):
    from plugins.dashboard.portfolio_data import PortfolioFilters, portfolio_rows

    _project, people = busy
    adviser = people["adviser"]
    for i in range(60):
        create_project({adviser: "adviser"}, name=f"Un projet au nom assez long numéro {i}")
    calm_ones = create_project({adviser: "adviser"}, name="Calme")
    with app.test_request_context():
        rows = portfolio_rows(adviser, PortfolioFilters(), date.today())
        text = point_text(rows)
    assert calm_ones.name not in text
    assert "61 projets sans alerte." in text
    long_rows = rows * 40  # the same alerts many times over
    with app.test_request_context():
        text = point_text(long_rows)
    assert len(text) <= DETAIL_MAX and text.endswith("… la suite dans le portefeuille.")
