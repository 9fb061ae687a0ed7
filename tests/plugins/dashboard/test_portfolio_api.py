"""The portfolio in the API (issue 17): the page's rows and filters, by project id, paged."""

from __future__ import annotations

from tests.api.conftest import Api, make_token
from tests.factories import create_project

URL = "/api/v1/dashboard/portfolio"


def test_the_rows_carry_the_facts_of_the_page(app, busy):
    project, people = busy
    api = Api(app.test_client(), make_token(people["adviser"], "read"))
    r = api.get(URL)
    assert r.status_code == 200, r.json
    [row] = r.json["data"]
    assert row["project_id"] == project.id and row["role"] == "adviser"
    assert (row["overdue"], row["pending"]) == (2, 1)
    assert row["next_milestone"]["title"] == "Convention en retard"
    assert row["next_milestone"]["late"] is True
    texts = {a["text"] for a in row["alerts"]}
    assert {"1 jalon à valider", "1 tâche en retard", "1 jalon en retard"} <= texts
    assert row["last_activity"] and r.json["next_cursor"] is None


def test_filters_and_pages(app, busy):
    project, people = busy
    adviser = people["adviser"]
    others = [create_project({adviser: "evaluator"}, name=f"Autre {i}") for i in range(3)]
    api = Api(app.test_client(), make_token(adviser, "read"))
    ids = [row["project_id"] for row in api.get(URL + "?role=evaluator").json["data"]]
    assert ids == [p.id for p in others]
    assert [r["project_id"] for r in api.get(URL + "?attention=true").json["data"]] == [project.id]
    first = api.get(URL + "?limit=2")
    assert len(first.json["data"]) == 2 and 'rel="next"' in first.headers["Link"]
    second = api.get(URL + f"?limit=2&cursor={first.json['next_cursor']}").json
    seen = [r["project_id"] for r in first.json["data"] + second["data"]]
    assert seen == sorted([project.id, *(p.id for p in others)])
    bad = api.get(URL + "?stage=nope&attention=oui")
    assert bad.status_code == 400 and set(bad.json["error"]["fields"]) == {"stage", "attention"}


def test_nobody_reads_a_portfolio_but_their_own(app, busy):
    project, people = busy
    for who in ("outsider", "admin"):
        assert Api(app.test_client(), make_token(people[who])).get(URL).json["data"] == []
    [row] = Api(app.test_client(), make_token(people["funder"])).get(URL).json["data"]
    assert (row["project_id"], row["role"]) == (project.id, "funder")
    assert Api(app.test_client()).get(URL).status_code == 401
