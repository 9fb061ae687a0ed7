"""The project switcher: the member's active projects, in one query however many."""

from __future__ import annotations

from tests.factories import create_project, create_user
from tests.plugins.board.test_board_page import _count_queries


def test_switcher_lists_active_projects_by_name_in_one_query(login_as):
    user = create_user("Claire Martin")
    first = create_project({user: "director"}, name="B — SAAD du Ventoux")
    client = login_as(user)
    url = f"/projects/{first.id}/"
    one, _html = _count_queries(client, url)
    create_project({user: "adviser"}, name="A — Mutualisation RH")
    create_project({user: "funder"}, name="C — Ancien projet", archived=True)
    for i in range(3):
        create_project({user: "evaluator"}, name=f"D — Projet {i}")
    create_project({create_user("Autre"): "director"}, name="E — Pas le mien")
    many, html = _count_queries(client, url)
    assert many == one
    switcher = html.split('class="menu switcher"', 1)[1].split('role="menu"', 1)[1]
    switcher = switcher.split("</details>", 1)[0]
    names = ["A — Mutualisation RH", "B — SAAD du Ventoux", "D — Projet 0", "D — Projet 2"]
    positions = [switcher.index(n) for n in names]
    assert positions == sorted(positions)
    assert "Ancien projet" not in switcher and "Pas le mien" not in switcher
    assert f'href="/projects/{first.id}/" aria-current="page"' in switcher
