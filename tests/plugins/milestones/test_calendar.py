"""The private iCalendar feed: parses with icalendar, hashed token, revocable."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from icalendar import Calendar

from plugins.milestones.models import MilestoneCalendarToken
from workspace.extensions import db

from .conftest import make_milestone


def _create_token(client, project) -> str:
    r = client.post(f"/projects/{project.id}/milestones/calendar", data={"action": "create"})
    assert r.status_code == 200
    match = re.search(r'value="(http[^"]+\.ics)"', r.text)
    assert match, "the new address is shown once"
    return match.group(1).split("localhost", 1)[-1]


def test_feed_parses_and_lists_dated_milestones(roles_project, login_as):
    project, people = roles_project
    make_milestone(
        project, people, "validated", title="Accord des parties", planned_date=date(2026, 6, 12)
    )
    make_milestone(project, people, "planned", title="Sans date", planned_date=None)
    path = _create_token(login_as(people["coordinator"]), project)
    r = login_as(None).get(path)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.data)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    ev = events[0]
    assert "Accord des parties" in str(ev["SUMMARY"]) and "Validé" in str(ev["SUMMARY"])
    assert ev.decoded("DTSTART") == date(2026, 6, 12)
    assert f"/projects/{project.id}/milestones/" in str(ev["URL"])


def test_token_is_stored_hashed_and_revocation_gives_404(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["coordinator"])
    path = _create_token(client, project)
    token = path.rsplit("/", 1)[1][: -len(".ics")]
    row = db.session.scalar(db.select(MilestoneCalendarToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    r = client.post(f"/projects/{project.id}/milestones/calendar", data={"action": "revoke"})
    assert r.status_code == 200
    assert login_as(None).get(path).status_code == 404


def test_new_token_replaces_the_old_one(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["coordinator"])
    first = _create_token(client, project)
    second = _create_token(client, project)
    assert login_as(None).get(first).status_code == 404
    assert login_as(None).get(second).status_code == 200


def test_unknown_or_garbage_tokens_are_404(login_as):
    client = login_as(None)
    for token in ("nope", "x" * 300, "%00", "../../etc"):
        assert client.get(f"/calendar/milestones/{token}.ics").status_code == 404


def test_feed_lists_the_due_dates_of_open_tasks(roles_project, login_as):
    from plugins.board.models import BoardColumn, Task
    from plugins.board.setup import ensure_columns

    project, people = roles_project
    ensure_columns(project)
    columns = db.session.scalars(
        db.select(BoardColumn).filter_by(project_id=project.id).order_by(BoardColumn.position)
    ).all()
    todo, done = columns[0], next(c for c in columns if c.done)

    def task(title, column, due, archived=False):
        t = Task(
            project_id=project.id, column_id=column.id, title=title, due_date=due, archived=archived
        )
        db.session.add(t)
        return t

    open_task = task("Rédiger la convention", todo, date(2026, 9, 30))
    task("Sans échéance", todo, None)
    task("Déjà faite", done, date(2026, 5, 1))
    task("Archivée", todo, date(2026, 5, 2), archived=True)
    db.session.commit()
    path = _create_token(login_as(people["coordinator"]), project)
    events = Calendar.from_ical(login_as(None).get(path).data).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Échéance : Rédiger la convention"]
    ev = events[0]
    assert ev.decoded("DTSTART") == date(2026, 9, 30)
    assert str(ev["UID"]).startswith(f"task-{open_task.id}@")
    assert str(ev["URL"]).endswith(f"/projects/{project.id}/board/?task={open_task.id}")
