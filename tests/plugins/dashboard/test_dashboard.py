"""The dashboard assembles widgets through the contract, refreshes them live, stays bounded."""

import pytest
from sqlalchemy import event

from tests.conftest import WHO, client_for
from tests.plugins.dashboard.conftest import add_indicators
from workspace.extensions import db
from workspace.plugins import Plugin, Widget

VIEW = {"coordinator", "director", "adviser", "evaluator", "funder"}


@pytest.fixture
def test_plugin(app):
    """A plugin registered only for this test, with one widget (proves the contract)."""
    from jinja2 import ChoiceLoader, DictLoader

    widget = Widget(
        "essai_widget",
        "Bloc d'essai",
        "essai/_widget.html",
        lambda project, user: {"answer": 42, "who": user.name},
        "project.view",
    )
    hidden = Widget(
        "essai_hidden", "Caché", "essai/_widget.html", lambda p, u: None, "project.view"
    )
    plugin = Plugin(name="essai", title="Essai", widgets=[widget, hidden])
    old_loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "essai/_widget.html": "<p class=essai>Réponse {{ answer }} pour {{ who }}"
                    " ({{ project.name }})</p>"
                }
            ),
            app.jinja_env.loader,
        ]
    )
    app.extensions["coopilote.plugins"].append(plugin)
    yield plugin
    app.extensions["coopilote.plugins"].remove(plugin)
    app.jinja_env.loader = old_loader


def test_dashboard_includes_a_widget_of_a_test_plugin(dash, login_as, test_plugin):
    project, people = dash
    r = login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/")
    assert r.status_code == 200
    assert "Bloc d&#39;essai" in r.text
    assert f"Réponse 42 pour {people['funder'].name} ({project.name})" in r.text
    assert "Caché" not in r.text  # data() returned None: the card is hidden
    # Its card refreshes live (no live attribute: any notice) through its own fragment.
    assert 'id="widget-essai_widget"' in r.text and 'data-live="*"' in r.text
    frag = login_as(people["funder"]).get(f"/projects/{project.id}/dashboard/widgets/essai_widget")
    assert frag.status_code == 200 and "Réponse 42" in frag.text
    # Own widgets: stage, reminders, indicators (from the indicators plugin), members, activity.
    for title in (
        "Étape et prochaines échéances",
        "Rappels",
        "Indicateurs",
        "Activité récente",
        "Membres par organisation",
    ):
        assert title in r.text
    assert 'data-live="indicator:* measurement:*"' in r.text
    assert "en bonne voie" in r.text or "à surveiller" in r.text or "en retard" in r.text


def test_unknown_widget_is_404(dash, login_as):
    project, people = dash
    r = login_as(people["director"]).get(f"/projects/{project.id}/dashboard/widgets/nope")
    assert r.status_code == 404


def test_nav_has_the_dashboard_first(dash, login_as):
    project, people = dash
    text = login_as(people["director"]).get(f"/projects/{project.id}/dashboard/").text
    nav = text[text.index('class="sidenav"') :]
    assert nav.index("Tableau de bord") < nav.index("Indicateurs")


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(dash, login_as, who):
    project, people = dash
    base = f"/projects/{project.id}/dashboard"
    pages = [
        f"{base}/",
        f"{base}/widgets/indicators_lights",
        f"{base}/calendar",
        f"{base}/reports",
        f"{base}/reports/view?period=2026",
    ]
    for url in pages:
        r = client_for(who, people, login_as).get(url)
        if who == "anonymous":
            assert r.status_code == 302 and "/login" in r.headers["Location"]
        elif who in ("outsider", "admin"):
            assert r.status_code == 404, (who, url)
        else:
            assert r.status_code == 200, (who, url)
    r = client_for(who, people, login_as).get("/portfolio")
    if who == "anonymous":
        assert r.status_code == 302
    else:
        assert r.status_code == 200
        assert (project.name in r.text) == (who in VIEW)


def _count_queries(client, url):
    """Queries of one request, after a first one: tests share the request's session, so the
    first request after a commit reloads the expired user and project."""
    client.get(url)
    n = {"q": 0}

    def before(*args, **kwargs):
        n["q"] += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        r = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert r.status_code == 200
    return n["q"]


def test_query_count_does_not_grow_with_the_project(roles_project, login_as):
    project, people = roles_project
    add_indicators(project, people["director"], people["evaluator"], n=2, per=2)
    client = login_as(people["director"])
    urls = [
        f"/projects/{project.id}/dashboard/",
        f"/projects/{project.id}/indicators/",
        f"/projects/{project.id}/dashboard/widgets/indicators_lights",
        f"/projects/{project.id}/dashboard/calendar",
    ]
    small = [_count_queries(client, u) for u in urls]
    add_indicators(project, people["director"], people["evaluator"], n=58, per=24)
    large = [_count_queries(client, u) for u in urls]
    assert large == small


def test_portfolio_rows_and_sorting(dash, login_as):
    from tests.factories import create_project

    project, people = dash
    other = create_project(
        {people["director"]: "director"}, name="AAA Autre projet", stage="evaluation"
    )
    c = login_as(people["director"])
    table = c.get("/portfolio").text.split("<table", 1)[1]  # not the project switcher
    assert table.index("AAA Autre projet") < table.index(project.name)
    r = c.get("/portfolio?sort=stage")
    table = r.text.split("<table", 1)[1]
    assert table.index(project.name) < table.index("AAA Autre projet")
    assert c.get("/portfolio?sort=<script>").status_code == 200
    assert "en bonne voie" in r.text or "à surveiller" in r.text
    assert other.id


def test_calendar_lists_due_measurements_and_reports(dash, login_as):
    project, people = dash
    r = login_as(people["adviser"]).get(f"/projects/{project.id}/dashboard/calendar")
    assert "Bilan : 1er semestre 2026" in r.text or "Bilan final du projet" in r.text
    assert "Indicateur 0" in r.text


def test_activity_widget_is_live_for_every_notice(dash, login_as):
    project, people = dash
    text = login_as(people["evaluator"]).get(f"/projects/{project.id}/dashboard/").text
    card = text[text.index('id="widget-dashboard_activity"') - 200 :]
    assert 'data-live="*"' in card[:400] and 'hx-trigger="live throttle:1s"' in card[:600]
