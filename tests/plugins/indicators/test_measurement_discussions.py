"""Each measurement's discussion is a closed « Discussion (n) » fetched when opened: the
indicator page reads the counts in one query and does not grow with its measurements."""

from __future__ import annotations

import re

from sqlalchemy import event

from plugins.comments import operations as comment_ops
from tests.plugins.indicators.conftest import make_indicator, make_measurement
from workspace.extensions import db

HX = {"HX-Request": "true"}


def _url(project, ind) -> str:
    return f"/projects/{project.id}/indicators/{ind.id}"


def test_a_measurement_s_discussion_opens_on_demand(roles_project, login_as):
    project, people = roles_project
    ind = make_indicator(project, people["director"])
    m = make_measurement(ind, people["director"], period="2026-T1")
    comment_ops.post_comment(project, people["adviser"], "measurement", m.id, "D'où vient 90 ?")
    db.session.commit()
    client = login_as(people["evaluator"])
    page = client.get(_url(project, ind)).text
    assert "Discussion (1)" in page
    assert "D'où vient 90 ?" not in page  # not rendered until opened
    lazy = re.search(r'hx-get="([^"]+/comments/panel/measurement/\d+)"', page).group(1)
    panel = client.get(lazy, headers=HX)
    assert panel.status_code == 200 and "D'où vient 90 ?" in panel.text
    assert "data-comment-form" in panel.text  # the evaluator may answer
    # without JavaScript, the link opens the thread's page
    assert f"/comments/thread/measurement/{m.id}" in page


def test_the_panel_route_refuses_what_the_reader_may_not_see(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    base = f"/projects/{project.id}/comments/panel"
    assert client.get(f"{base}/measurement/999999").status_code == 404
    assert client.get(f"{base}/Nope/1").status_code == 404


def test_the_indicator_page_does_not_grow_with_its_measurements(roles_project, login_as):
    project, people = roles_project
    ind = make_indicator(project, people["director"], frequency="monthly")
    client = login_as(people["director"])

    def add(months):
        for month in months:
            m = make_measurement(ind, people["director"], period=f"2026-{month:02d}")
            comment_ops.post_comment(project, people["adviser"], "measurement", m.id, "Vu.")
        db.session.commit()

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(_url(project, ind)).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    add([1, 2])
    statements()
    few = statements()
    add(range(3, 13))
    statements()
    assert statements() == few
