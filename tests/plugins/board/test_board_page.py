"""The board page: bounded queries, small HTML, "Afficher plus", filters, swimlanes, CSV."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event

from plugins.board import operations as ops
from plugins.board.models import Task
from plugins.board.setup import add_label
from tests.plugins.board.conftest import TODAY, YESTERDAY, make_tasks
from workspace.extensions import db


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


def _count_queries(client, url) -> tuple[int, str]:
    db.session.expire_all()  # the same session state for every measure
    counter = QueryCounter()
    engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        r = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert r.status_code == 200
    return counter.count, r.text


def _seed(project, people, columns, n, label):
    """``n`` realistic tasks spread over the columns: area, organisation, assignee, label,
    due date, a sub-item."""
    areas = ["strategie", "rh", "gestion", "pilotage"]
    org = people["director"].organisation
    for i in range(n):
        task = ops.create_task(
            project,
            people["director"],
            columns[i % len(columns)],
            title=f"Tâche numéro {i} du plan d'action",
            area=areas[i % 4],
            organisation_id=org.id,
            assignees=[people["director"]],
            labels=[label],
            due_date=YESTERDAY if i % 3 == 0 else TODAY,
        )
        ops.add_subitem(task, people["director"], "Étape")
    db.session.commit()


@pytest.mark.parametrize("who", ["coordinator", "funder"])
def test_query_count_does_not_grow_with_tasks(roles_project, login_as, app, who):
    """Rendered (after a change) or served from the fragment cache, the board runs the same
    statements whatever its number of tasks; served from the cache, only the layout's."""
    from plugins.board.setup import ensure_columns

    project, people = roles_project
    columns = ensure_columns(project)
    label = add_label(project, people["coordinator"], "Juridique", "#7a4f9a")
    _seed(project, people, columns, 10, label)
    client = login_as(people[who])
    url = f"/projects/{project.id}/board/"
    client.get(url)  # warm caches (templates, first-view columns)
    small_hit, _ = _count_queries(client, url)
    saved, app.config["FRAGMENT_CACHE_MB"] = app.config["FRAGMENT_CACHE_MB"], "0"
    try:
        small, _ = _count_queries(client, url)
        _seed(project, people, columns, 490, label)
        large, html = _count_queries(client, url)
    finally:
        app.config["FRAGMENT_CACHE_MB"] = saved
    _count_queries(client, url)  # renders and stores the large board
    large_hit, cached_html = _count_queries(client, url)
    assert small == large, (small, large)
    assert small <= 20  # core, board and one per plugin hook (comment counts)
    assert small_hit == large_hit, (small_hit, large_hit)
    assert large_hit <= 9, large_hit  # user, membership, project, revisions and the layout
    for page in (html, cached_html):
        assert len(page.encode()) < 300_000, len(page.encode())
        assert page.count("<article") == 400  # 125 per column, 100 rendered
        assert page.count("Afficher plus (") == 4  # every column holds about 125 tasks


def test_more_button_loads_the_rest(roles_project, login_as):
    from plugins.board.setup import ensure_columns

    project, people = roles_project
    columns = ensure_columns(project)
    tasks = make_tasks(project, people["director"], columns[0], 130)
    client = login_as(people["adviser"])
    html = client.get(f"/projects/{project.id}/board/").text
    assert "Afficher plus (30)" in html and f'id="t{tasks[99].id}"' in html
    assert f'id="t{tasks[100].id}"' not in html
    more = client.get(f"/projects/{project.id}/board/columns/{columns[0].id}?offset=100").text
    assert more.count("<article") == 30 and f'id="t{tasks[100].id}"' in more
    assert "Afficher plus" not in more


def test_card_content(board, login_as):
    project, people, _columns, tasks = board
    task = tasks[0]
    label = add_label(project, people["coordinator"], "Paie", "#8a5a00")
    ops.update_task(
        task,
        people["director"],
        area="rh",
        organisation_id=people["director"].organisation_id,
        assignees=[people["director"]],
        labels=[label],
    )
    ops.add_subitem(task, people["director"], "A")
    db.session.commit()
    html = (
        login_as(people["evaluator"]).get(f"/projects/{project.id}/board/tasks/{task.id}/card").text
    )
    assert f'data-live="task:{task.id}"' in html and 'hx-trigger="live"' in html
    assert "a-rh" in html and "RH / organisation" in html  # stripe and text chip
    assert people["director"].organisation.name in html
    assert people["director"].initials in html and "Paie" in html and "0/1" in html


def test_comment_counts_come_from_the_hook(board, login_as, app):
    from workspace.plugins import get_plugin

    project, people, _columns, tasks = board
    plugin = get_plugin("board")
    plugin.hooks["comment_counts"] = lambda project, object_type: {tasks[0].id: 4}
    try:
        html = login_as(people["funder"]).get(f"/projects/{project.id}/board/").text
    finally:
        del plugin.hooks["comment_counts"]
    card = html.split(f'id="t{tasks[0].id}"')[1].split("</article>")[0]
    assert "#i-message-circle" in card and ">4<" in card


def test_filters_in_the_url(board, login_as):
    project, people, _columns, tasks = board
    label = add_label(project, people["coordinator"], "Juridique", "#7a4f9a")
    ops.update_task(tasks[0], people["director"], assignees=[people["coordinator"]], labels=[label])
    ops.update_task(tasks[1], people["director"], area="gestion", due_date=YESTERDAY)
    ops.update_task(
        tasks[2], people["director"], organisation_id=people["director"].organisation_id
    )
    ops.update_task(tasks[3], people["director"], title="Budget prévisionnel 100%", due_date=TODAY)
    db.session.commit()
    client = login_as(people["funder"])
    base = f"/projects/{project.id}/board/"

    def shown(query):
        html = client.get(base + query).text
        return {t.id for t in tasks if f'id="t{t.id}"' in html}

    assert shown("") == {t.id for t in tasks}
    assert shown(f"?assignee={people['coordinator'].id}") == {tasks[0].id}
    assert shown(f"?label={label.id}") == {tasks[0].id}
    assert shown("?area=gestion") == {tasks[1].id}
    assert shown("?due=overdue") == {tasks[1].id}
    assert shown("?due=soon") == {tasks[3].id}
    assert shown(f"?organisation={people['director'].organisation_id}") == {tasks[2].id}
    assert tasks[2].id not in shown("?organisation=none")
    assert shown("?q=budget") == {tasks[3].id}
    assert shown("?q=100%25") == {tasks[3].id}
    assert shown("?assignee=abc&due=bogus") == {t.id for t in tasks}  # ignored


def test_swimlanes_by_organisation(board, login_as):
    project, people, _columns, tasks = board
    org = people["director"].organisation
    ops.update_task(tasks[0], people["director"], organisation_id=org.id)
    db.session.commit()
    html = login_as(people["funder"]).get(f"/projects/{project.id}/board/?group=org").text
    assert 'class="lane"' in html and "Sans organisation" in html
    lane = html.split(org.name + "</h2>")[1].split('class="lane"')[0]
    assert f'id="t{tasks[0].id}"' in lane and f'id="t{tasks[1].id}"' not in lane
    assert f"organisation={org.id}" in lane  # the lane's columns refresh with its filter


def test_csv_export(board, login_as):
    project, people, _columns, tasks = board
    ops.update_task(
        tasks[0],
        people["director"],
        title="=SOMME(A1)",
        area="gestion",
        due_date=YESTERDAY,
        assignees=[people["director"]],
    )
    db.session.commit()
    r = login_as(people["funder"]).get(f"/projects/{project.id}/board/export.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    raw = r.data.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))
    assert rows[0][:3] == ["Colonne", "Position", "Titre"] and "Échéance" in rows[0]
    assert len(rows) == 1 + len(tasks)
    first = rows[1]
    assert first[0] == "À faire" and first[3] == "Gestion / financement"
    assert YESTERDAY.strftime("%d/%m/%Y") in first and "oui" in first
    assert first[2] == "'=SOMME(A1)"  # no formula injection in spreadsheets
    assert people["director"].name in first


def test_first_view_creates_default_columns(login_as):
    from plugins.board.models import BoardColumn
    from tests.factories import create_project, create_user

    user = create_user()
    project = create_project({user: "funder"})
    html = login_as(user).get(f"/projects/{project.id}/board/").text
    names = db.session.scalars(
        db.select(BoardColumn.name).filter_by(project_id=project.id).order_by(BoardColumn.position)
    ).all()
    assert names == ["À faire", "En cours", "En attente d'un partenaire", "Terminé"]
    assert "En attente d&#39;un partenaire" in html or "En attente d'un partenaire" in html


def test_wip_over_limit_shows_warning(board, login_as):
    project, people, columns, _tasks = board
    columns[0].wip_limit = 2
    db.session.commit()
    html = login_as(people["funder"]).get(f"/projects/{project.id}/board/").text
    head = html.split(f'id="c{columns[0].id}"')[1].split("</header>")[0]
    assert "3 / 2" in head and "over" in head and "limite dépassée" in head
    assert Task  # imported for type clarity
