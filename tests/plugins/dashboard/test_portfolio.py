"""The portfolio (issue 17): next milestone, what is late, what waits for validation, last
activity; filters, sort, CSV export; a fixed number of queries whatever the projects."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event

from tests.factories import create_project, create_user
from tests.plugins.dashboard.conftest import milestone as _milestone
from tests.plugins.dashboard.conftest import task as _task
from workspace.extensions import db
from workspace.notifications.center import PARIS

TODAY = date.today()


def _rows(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_a_row_shows_next_milestone_overdue_pending_and_last_activity(busy, login_as):
    _project, people = busy
    page = login_as(people["adviser"]).get("/portfolio").text
    row = _rows(page)
    # the next milestone not validated is the earliest one, late
    assert "Convention en retard" in row and "Jalon ancien validé" not in row
    assert 'class="status status-danger"><time' in row
    # late: the milestone and the open task (a submitted one waits, a done task is done)
    assert "1 jalon en retard" in row and "1 tâche en retard" in row
    assert '<td class="num"><span class="status status-danger">2</span></td>' in row
    assert '<td class="num"><span class="status status-warn">1</span></td>' in row
    assert "1 jalon à valider" in row and "1 jalon à reprendre" in row
    assert "1 projet" in page and "1 demande votre attention" in page
    assert "—" not in row.split("</td>")[-2]  # the last activity is there


def test_the_alert_on_late_tasks_opens_the_board_filtered_on_them(busy, login_as):
    project, people = busy
    page = login_as(people["adviser"]).get("/portfolio").text
    url = f"/projects/{project.id}/board/?due=overdue"
    assert f'href="{url}"' in page
    board = login_as(people["adviser"]).get(url).text
    assert "Tâche en retard" in board and "Tâche à venir" not in board


def test_filters_by_stage_role_text_attention_and_archive(busy, login_as):
    project, people = busy
    adviser = people["adviser"]
    calm = create_project({adviser: "evaluator"}, name="Projet calme", stage="emergence")
    old = create_project({adviser: "adviser"}, name="Projet ancien", archived=True)
    c = login_as(adviser)

    def names(query=""):
        row = _rows(c.get("/portfolio" + query).text)
        return {p.name for p in (project, calm, old) if p.name in row}

    assert names() == {project.name, calm.name}
    assert names("?archived=1") == {project.name, calm.name, old.name}
    assert names("?stage=emergence") == {calm.name}
    assert names("?role=evaluator") == {calm.name}
    assert names("?q=CALME") == {calm.name}
    assert names("?attention=1") == {project.name}
    # unknown values are ignored, never an error
    assert names("?stage=nope&role=boss&sort=<script>") == {project.name, calm.name}
    empty = c.get("/portfolio?q=zzz").text
    assert "Aucun projet ne correspond" in empty and "Tout afficher" in empty


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("name", "AAA"),
        ("stage", "AAA"),
        ("next", "BUSY"),
        ("overdue", "BUSY"),
        ("pending", "BUSY"),
        ("alerts", "BUSY"),
        ("activity", "BUSY"),  # AAA has no activity: last
        ("role", "BUSY"),
    ],
)
def test_each_sort_orders_the_rows(busy, login_as, sort, first):
    project, people = busy
    project.name = "BUSY"
    db.session.commit()
    create_project({people["adviser"]: "evaluator"}, name="AAA", stage="emergence")
    row = _rows(login_as(people["adviser"]).get(f"/portfolio?sort={sort}").text)
    other = "AAA" if first == "BUSY" else "BUSY"
    assert row.index(f">{first}</a>") < row.index(f">{other}</a>")


def test_sort_links_keep_the_filters(busy, login_as):
    _project, people = busy
    page = login_as(people["adviser"]).get("/portfolio?stage=accompagnement&attention=1").text
    assert "/portfolio?stage=accompagnement&amp;attention=1&amp;sort=overdue" in page
    assert "/portfolio.csv?stage=accompagnement&amp;attention=1" in page


def test_csv_export_has_the_rows_on_screen(busy, login_as):
    project, people = busy
    project.territory = "=HYPERLINK(1)"
    db.session.commit()
    create_project({people["adviser"]: "evaluator"}, name="Projet calme", stage="emergence")
    r = login_as(people["adviser"]).get("/portfolio.csv?attention=1")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in r.headers["Content-Disposition"]
    text = r.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:5] == ["Projet", "Forme", "Territoire", "Mon rôle", "Étape"]
    assert len(rows) == 2  # the calm project has no alert
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Projet"] == project.name
    assert row["Territoire"] == "'=HYPERLINK(1)"
    assert row["Prochain jalon"] == "Convention en retard"
    assert row["Date du prochain jalon"] == (TODAY - timedelta(days=10)).strftime("%d/%m/%Y")
    assert (row["En retard"], row["Validations en attente"]) == ("2", "1")
    assert "1 jalon à valider" in row["Alertes"]
    paris_today = datetime.now(PARIS).date()  # the activity was just now
    assert row["Dernière activité"] == paris_today.strftime("%d/%m/%Y")
    assert row["Archivé"] == "non"


def test_nobody_sees_a_project_they_are_not_in(busy, login_as):
    project, people = busy
    for who in ("outsider", "admin"):
        c = login_as(people[who])
        assert project.name not in c.get("/portfolio").text
        assert project.name not in c.get("/portfolio.csv").data.decode()
    assert login_as(None).get("/portfolio.csv").status_code == 302


def _queries(client, url) -> int:
    client.get(url)
    n = [0]

    def count(*_args, **_kw):
        n[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return n[0]


def test_queries_do_not_grow_with_the_projects(busy, login_as):
    from tests.plugins.dashboard.conftest import add_indicators

    project, people = busy
    adviser, director = people["adviser"], people["director"]
    add_indicators(project, director, people["evaluator"])
    c = login_as(adviser)
    small = [_queries(c, "/portfolio"), _queries(c, "/portfolio.csv")]
    for i in range(6):
        other = create_project({adviser: "adviser", director: "director"}, name=f"Autre {i}")
        _milestone(other, director, "Jalon", i - 3, "submitted")
        _task(other, director, "Tâche", -1)
        add_indicators(other, director, people["evaluator"])
    large = [_queries(c, "/portfolio"), _queries(c, "/portfolio.csv")]
    assert large == small


def test_the_page_speaks_english_too(busy, login_as):
    _project, people = busy
    c = login_as(people["adviser"])
    c.post("/lang/en", data={"next": "/portfolio"})
    page = c.get("/portfolio").text
    assert "Project portfolio" in page and "Next milestone" in page
    assert "1 milestone overdue" in page and "1 task overdue" in page


def test_a_person_without_projects_sees_the_empty_state(login_as):
    page = login_as(create_user()).get("/portfolio").text
    assert "Aucun projet" in page and "<table" not in page.split("</header>", 1)[-1]


def test_a_change_shows_at_once_and_only_its_project_is_read_again(busy, login_as, monkeypatch):
    from plugins.dashboard import portfolio_data

    project, people = busy
    other = create_project({people["adviser"]: "adviser"}, name="Projet voisin")
    c = login_as(people["adviser"])
    assert "1 tâche en retard" in c.get("/portfolio").text
    computed = []
    real = portfolio_data.facts_of

    def spy(projects, today):
        computed.append(sorted(p.id for p in projects))
        return real(projects, today)

    monkeypatch.setattr(portfolio_data, "facts_of", spy)
    assert "1 tâche en retard" in c.get("/portfolio").text
    assert computed == []  # nothing changed: every row reused
    _task(project, people["director"], "Nouvelle tâche en retard", -1)
    page = c.get("/portfolio").text
    assert "2 tâches en retard" in page and "1 tâche en retard" not in page
    assert computed == [[project.id]] and other.id != project.id
