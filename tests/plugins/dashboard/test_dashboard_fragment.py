"""The dashboard's cards served from the fragment cache: after each kind of change, exactly
what a fresh render shows; roles are part of a card's key; a personal card is never kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.fragments import assert_cache_follows, fresh, page, same
from tests.plugins.dashboard.conftest import add_indicators, milestone, task
from workspace.cache import fragments
from workspace.extensions import db


def _rename_org(project, people):
    people["director"].organisation.name = "Association renommée"


def _new_member(project, people):
    from workspace.models import Membership

    db.session.add(
        Membership(user_id=people["outsider"].id, project_id=project.id, role="director")
    )


CHANGES = {
    "indicator added": lambda p, pe: add_indicators(p, pe["director"], pe["evaluator"], n=1),
    "milestone planned": lambda p, pe: milestone(p, pe["director"], "Assemblée constitutive", 12),
    "task added": lambda p, pe: task(p, pe["director"], "Relire la convention", 5),
    "stage changed": lambda p, pe: setattr(p, "stage", "concretisation"),
    "organisation renamed": _rename_org,
    "member added": _new_member,
    "funding line": lambda p, pe: _funding_line(p, pe),
    "measurement questioned": lambda p, pe: _question_a_measurement(p, pe),
}


def _question_a_measurement(project, people):
    from plugins.indicators import operations
    from plugins.indicators.models import Measurement

    measurement = db.session.scalars(
        db.select(Measurement).filter_by(project_id=project.id).order_by(Measurement.id.desc())
    ).first()
    operations.review(
        measurement.indicator, people["evaluator"], "questioned", "Source ?", measurement
    )


def _funding_line(project, people):
    from plugins.funding import operations

    operations.create_line(
        project,
        people["director"],
        funder_id=people["funder"].organisation_id,
        kind="operating_grant",
        status="planned",
        amount_requested=Decimal("8000"),
        purpose="Coordination",
    )


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("who", ["director", "adviser", "funder"])
def test_after_any_change_the_cached_dashboard_is_the_fresh_one(dash, login_as, app, name, who):
    project, people = dash
    client = login_as(people[who])
    path = f"/projects/{project.id}/dashboard/"
    assert_cache_follows(app, client, path, lambda: CHANGES[name](project, people))


def _card_slots() -> set:
    return {slot for slot in fragments.cache._items if slot[0].startswith("widget:")}


def test_roles_are_part_of_a_card_s_key(dash, login_as):
    """A card may show what a role allows (a link, a button): the funder's cards are never
    the director's."""
    project, people = dash
    path = f"/projects/{project.id}/dashboard/"
    page(login_as(people["director"]), path)
    directors = _card_slots()
    page(login_as(people["funder"]), path)
    funders = _card_slots() - directors
    assert funders and all(slot[3][0] == ("funder",) for slot in funders)


def test_a_personal_widget_is_rendered_on_every_view(dash, login_as, monkeypatch):
    from workspace.plugins import widgets

    project, people = dash
    card = next(w for w in widgets() if w.name == "dashboard_members")
    monkeypatch.setattr(card, "personal", True)
    client = login_as(people["director"])
    page(client, f"/projects/{project.id}/dashboard/")
    assert not any(s[0] == "widget:dashboard_members" for s in _card_slots())
    assert _card_slots(), "the other cards are kept"


@pytest.mark.parametrize("name", ["indicator added", "milestone planned", "organisation renamed"])
def test_the_cached_report_follows_the_data_and_its_period(dash, login_as, app, name):
    project, people = dash
    client = login_as(people["funder"])
    path = f"/projects/{project.id}/dashboard/reports/view?period={date.today().year}"
    assert_cache_follows(app, client, path, lambda: CHANGES[name](project, people))
    other = page(client, path.replace(f"={date.today().year}", f"={date.today().year - 1}"))
    assert same(other) != same(page(client, path)), "each period its own report"


def test_a_task_moved_renders_only_the_cards_that_show_tasks(dash, login_as, app):
    """The cards that name their parts of the project's revisions (the indicators, the
    calendar, the members, the checklists) are served as they were after a task changed."""
    from plugins.board import operations as board_ops
    from plugins.board.setup import ensure_columns

    project, people = dash
    moved = task(project, people["director"], "Relire la convention", 5)
    client = login_as(people["director"])
    path = f"/projects/{project.id}/dashboard/"
    page(client, path)
    before = {slot: item[0] for slot, item in fragments.cache._items.items()}
    board_ops.move_task(moved, people["director"], ensure_columns(project)[1], 0)
    db.session.commit()
    after = page(client, path)
    kept = {
        slot[0]
        for slot, item in fragments.cache._items.items()
        if slot[0].startswith("widget:") and before.get(slot) == item[0]
    }
    assert {"widget:indicators_lights", "widget:dashboard_stage", "widget:dashboard_members"} <= (
        kept
    )
    assert "widget:dashboard_activity" not in kept  # every change is in the activity log
    assert same(after) == same(fresh(app, client, path))


def test_the_calendar_s_parts_come_from_its_sources(app, monkeypatch):
    """A plugin that adds calendar items without naming their parts makes the calendar's
    cards follow every change of the project again."""
    from plugins.dashboard.widgets import calendar_parts
    from workspace.plugins import get_plugin

    with app.app_context():
        assert calendar_parts() == ("indicators",)
        milestones = get_plugin("milestones")
        monkeypatch.setitem(milestones.hooks, "calendar_items", lambda project: [])
        assert calendar_parts() is None
        monkeypatch.setitem(milestones.hooks, "calendar_parts", lambda: ("milestones",))
        assert calendar_parts() == ("indicators", "milestones")
