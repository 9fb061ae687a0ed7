"""The indicators' trend charts on the dashboard and the list: drawn by the server, described
in words, the target as a line; none with fewer than two measurements."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask import current_app

from plugins.indicators import operations
from tests.factories import create_indicator
from workspace.extensions import db


def _indicator(project, who, values, rejected=()):
    with current_app.test_request_context():
        ind = create_indicator(project, who)
        for q, v in enumerate(values, start=1):
            m = operations.add_measurement(
                ind, who, period=f"2026-T{q}", period_end=date(2026, 3 * q, 28), value=Decimal(v)
            )
            if q in rejected:
                operations.review(ind, who, "rejected", "Faux", measurement=m)
        db.session.commit()
    return ind


def _svg(html):
    return re.findall(r'<svg class="spark[^"]*".*?</svg>', html, re.S)


def test_the_dashboard_and_the_list_draw_the_trend(roles_project, login_as):
    project, people = roles_project
    _indicator(project, people["director"], ["85", "88", "91"], rejected=(2,))
    client = login_as(people["funder"])
    for url in (f"/projects/{project.id}/dashboard/", f"/projects/{project.id}/indicators/"):
        [svg] = _svg(client.get(url).text)
        points = re.search(r'points="([^"]+)"', svg).group(1).split()
        assert len(points) == 2  # the rejected measurement is not drawn
        ys = [float(p.split(",")[1]) for p in points]
        assert ys[1] < ys[0]  # going up (SVG y grows downwards)
        assert 'class="spark-target"' in svg
        label = re.search(r'aria-label="([^"]+)"', svg).group(1).replace("\u202f", " ")
        assert "85 % (T1 2026) → 91 % (T3 2026)" in label and "cible 97 %" in label


def test_no_chart_under_two_measurements(roles_project, login_as):
    project, people = roles_project
    _indicator(project, people["director"], ["85"])
    html = login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/").text
    assert _svg(html) == []
