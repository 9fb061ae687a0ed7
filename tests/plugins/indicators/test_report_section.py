"""The indicators section of the funder report: a light chart for every indicator, tables
limited to the report period, a summary of the history before it."""

from datetime import date
from decimal import Decimal

from flask import current_app
from lxml import html as lxml_html

from plugins.indicators import operations, report_chart
from plugins.indicators.values import periods_between
from tests.plugins.indicators.conftest import make_indicator
from workspace.extensions import db
from workspace.plugins import call_hook

Q1 = {"key": "2026-T1", "label": "T1 2026", "start": date(2026, 1, 1), "end": date(2026, 3, 31)}


def monthly(project, people, name, start, count, step=2):
    """A monthly indicator with ``count`` accepted measurements from ``start`` (100, 102, …)."""
    ind = make_indicator(
        project,
        people["director"],
        name=name,
        kind="quantity",
        unit="heures",
        frequency="monthly",
        baseline_value=Decimal(100),
        baseline_date=date(2024, 12, 31),
        target_value=Decimal(200),
        target_date=date(2026, 12, 31),
    )
    for k, (label, end) in enumerate(periods_between("monthly", start, date(2030, 1, 1))[:count]):
        m = operations.add_measurement(
            ind, people["director"], period=label, period_end=end, value=Decimal(100 + step * k)
        )
        operations.review(ind, people["evaluator"], "accepted", "", m)
    db.session.commit()
    return ind


def section(project, period=Q1):
    with current_app.test_request_context():
        found = [
            s for res in call_hook("report_sections", project=project, period=period) for s in res
        ]
    html = next(s["html"] for s in found if s["title"] == "Indicateurs et évaluation")
    return lxml_html.fragment_fromstring(str(html), create_parent="div")


def block(root, ind):
    (found,) = root.xpath(f'//div[@data-indicator="{ind.id}"]')
    return found


def text(el) -> str:
    return " ".join(el.text_content().split())


def test_every_indicator_has_its_status_latest_value_target_and_chart(roles_project):
    project, people = roles_project
    inds = [monthly(project, people, f"Heures {i}", date(2025, 10, 1), 6 + i) for i in range(3)]
    empty = make_indicator(project, people["director"], name="Jamais mesuré")
    root = section(project)
    for ind in inds:
        el = block(root, ind)
        charts = el.xpath(".//svg")
        assert len(charts) == 1 and charts[0].get("aria-label") == ind.name
        content = text(el)
        assert "en bonne voie" in content or "à surveiller" in content or "en retard" in content
        assert "Dernière valeur acceptée : 110 heures (03/2026)" in content
        assert "Cible : 200 heures (31/12/2026)" in content
    el = block(root, empty)
    assert not el.xpath(".//svg")  # nothing measured: nothing to draw
    assert "pas encore mesuré" in text(el) and "Aucune mesure sur la période." in text(el)
    # One legend for the whole section, not one per chart.
    assert len(root.xpath('//p[@class="report-legend muted"]')) == 1


def test_tables_hold_only_the_period_and_a_summary_tells_the_rest(roles_project):
    project, people = roles_project
    ind = monthly(project, people, "Heures", date(2025, 10, 1), 12)  # 10/2025 … 09/2026
    el = block(section(project), ind)
    rows = [[text(td) for td in tr.xpath("./td")] for tr in el.xpath(".//table//tbody/tr")]
    assert rows == [
        ["01/2026", "106 heures", "acceptée"],
        ["02/2026", "108 heures", "acceptée"],
        ["03/2026", "110 heures", "acceptée"],
    ]
    summary = text(el.xpath('.//p[@class="report-summary"]')[0])
    assert "Sur la période : 3 mesures, de 106 heures (01/2026) à 110 heures (03/2026)." in (
        summary
    )
    assert "Avant la période : 3 mesures depuis 10/2025." in summary
    # Measurements after the period's end appear nowhere, not even in the chart.
    assert "04/2026" not in text(el) and "09/2026" not in text(el)
    (values,) = [p for p in el.xpath(".//polyline") if p.get("stroke-width") == "2.5"]
    assert len(values.get("points").split()) == 6  # 10/2025 … 03/2026


def test_a_period_without_measurements_still_shows_the_chart_of_the_history(roles_project):
    project, people = roles_project
    ind = monthly(project, people, "Heures", date(2025, 1, 1), 6)  # 01/2025 … 06/2025
    el = block(section(project), ind)
    assert len(el.xpath(".//svg")) == 1 and not el.xpath(".//table")
    content = text(el)
    assert "Aucune mesure sur la période." in content
    assert "Avant la période : 6 mesures depuis 01/2025." in content
    assert "Dernière valeur acceptée : 110 heures (06/2025)" in content


def test_the_chart_stays_small_whatever_the_history(roles_project):
    project, people = roles_project
    short = monthly(project, people, "Court", date(2025, 12, 1), 4)
    long = monthly(project, people, "Long", date(2023, 1, 1), 39)  # 01/2023 … 03/2026
    root = section(project)
    sizes = []
    for ind in (short, long):
        (svg,) = block(root, ind).xpath(".//svg")
        elements = svg.xpath(".//*")
        sizes.append(len(elements))
        assert len(svg.xpath(".//text")) <= 4
        assert len(svg.xpath(".//circle")) == 1  # the last value only, no dot per point
    assert sizes[0] == sizes[1] <= 12


def test_nice_ticks_cover_the_range_with_round_values():
    assert report_chart.nice_ticks(100, 200) == [100, 125, 150, 175, 200]
    assert report_chart.nice_ticks(88, 97) == [87.5, 90, 92.5, 95, 97.5]
    assert report_chart.nice_ticks(0, 1) == [0, 0.25, 0.5, 0.75, 1]
    ticks = report_chart.nice_ticks(-3.2, 41.7)
    assert ticks[0] <= -3.2 and ticks[-1] >= 41.7 and len(ticks) <= 6


def test_flat_and_yes_no_series_are_drawn(roles_project):
    project, people = roles_project
    flat = make_indicator(
        project,
        people["director"],
        name="Plat",
        baseline_value=Decimal(50),
        target_value=Decimal(50),
        frequency="quarterly",
    )
    yesno = make_indicator(
        project,
        people["director"],
        name="Convention signée",
        kind="yesno",
        unit="",
        baseline_value=Decimal(0),
        target_value=Decimal(1),
        frequency="quarterly",
    )
    for ind, value in ((flat, 50), (yesno, 1)):
        operations.add_measurement(
            ind, people["director"], period="2026-T1", period_end=date(2026, 3, 31), value=value
        )
    db.session.commit()
    root = section(project)
    for ind in (flat, yesno):
        (svg,) = block(root, ind).xpath(".//svg")
        assert "nan" not in lxml_html.tostring(svg, encoding="unicode")
    assert str(report_chart.svg(flat, [], Q1)) == ""
