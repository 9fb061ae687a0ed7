"""Every funding endpoint × every row of WHO; forged funder POSTs change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import current_app

from plugins.funding import budget_ops
from plugins.funding import operations as ops
from plugins.funding.models import (
    FundingBudgetItem,
    FundingCriteria,
    FundingExpense,
    FundingLine,
    FundingShareKey,
)
from tests.conftest import WHO, client_for
from workspace.extensions import db

from .conftest import aid_form, make_line

VIEWERS = {"coordinator", "director", "adviser", "evaluator", "funder"}
EDITORS = {"coordinator", "director"}
CRITERIA = {"coordinator", "adviser"}


def _setup(project, people):
    line = make_line(project, people["director"], status="planned")
    with current_app.test_request_context():
        exp = ops.add_expense(
            line,
            people["director"],
            spent_on=__import__("datetime").date(2026, 5, 1),
            supplier="Avocat",
            description="",
            amount=Decimal("100"),
        )
        item = budget_ops.add_budget_item(
            project, people["director"], category="legal", label="Avocat", amount=Decimal("1000")
        )
        db.session.commit()
    # A second line, without expenses, that can be deleted.
    make_line(
        project,
        people["director"],
        kind="other",
        purpose_category="other",
        status="planned",
        amount_requested=Decimal("10"),
    )
    return line, exp, item


def _denied(who, r):
    if who == "anonymous":
        return r.status_code == 302 and "/login" in r.headers["Location"]
    if who in ("outsider", "admin"):
        return r.status_code == 404
    return r.status_code == 403


PAGES = {
    "": VIEWERS,
    "list": VIEWERS,
    "budget": VIEWERS,
    "lines/new": EDITORS,
    "lines/{l}": VIEWERS,
    "lines/{l}/edit": EDITORS,
    "criteria": CRITERIA,
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", list(PAGES))
def test_pages(roles_project, login_as, who, page):
    project, people = roles_project
    line, _e, _i = _setup(project, people)
    r = client_for(who, people, login_as).get(
        f"/projects/{project.id}/funding/" + page.format(l=line.id)
    )
    if who in PAGES[page]:
        assert r.status_code == 200
    else:
        assert _denied(who, r)


def _state():
    db.session.expire_all()
    return (
        [
            (x.status, x.amount_requested, x.version, len(x.documents))
            for x in db.session.scalars(db.select(FundingLine))
        ],
        db.session.scalars(db.select(FundingExpense.amount)).all(),
        db.session.scalars(db.select(FundingBudgetItem.label)).all(),
        db.session.scalars(db.select(FundingShareKey.percent)).all(),
        db.session.scalars(db.select(FundingCriteria.complexity)).all(),
    )


def _posts(project, people, line, exp, item):
    keys = {f"key-{o.id}": "50" for o in project.partners}
    return {
        "lines/new": (aid_form(line.funder_id, kind="other", purpose_category="other"), EDITORS),
        "lines/{l}/edit": (
            {
                **aid_form(line.funder_id, status="requested", amount_requested="13 000"),
                "version": line.version,
            },
            EDITORS,
        ),
        "lines/{l}/expenses": (
            {"spent_on": "2026-06-01", "supplier": "Audit", "amount": "50"},
            EDITORS,
        ),
        "lines/{l}/expenses/{e}/delete": ({}, EDITORS),
        "budget/items": (
            {"category": "it", "label": "Logiciel", "amount": "300", "partner_id": "0"},
            EDITORS,
        ),
        "budget/items/{i}/delete": ({}, EDITORS),
        "budget/keys": (keys, EDITORS),
        "criteria": ({"complexity": "Grande", "economies": "", "service": ""}, CRITERIA),
        "lines/{x}/delete": ({}, EDITORS),
    }


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("index", range(9))
def test_posts(roles_project, login_as, who, index):
    project, people = roles_project
    line, exp, item = _setup(project, people)
    path, (data, allowed) = list(_posts(project, people, line, exp, item).items())[index]
    before = _state()
    url = f"/projects/{project.id}/funding/" + path.format(
        l=line.id, e=exp.id, i=item.id, x=line.id + 1
    )
    r = client_for(who, people, login_as).post(url, data=data)
    if who in allowed:
        assert r.status_code == 302, (path, r.status_code, r.text[:500])
        assert _state() != before
    else:
        assert _denied(who, r), (path, r.status_code)
        assert _state() == before


def test_funder_forged_posts_all_refused(roles_project, login_as):
    project, people = roles_project
    line, exp, item = _setup(project, people)
    funder = login_as(people["funder"])
    before = _state()
    for path, (data, _a) in _posts(project, people, line, exp, item).items():
        url = f"/projects/{project.id}/funding/" + path.format(
            l=line.id, e=exp.id, i=item.id, x=line.id + 1
        )
        assert funder.post(url, data=data).status_code == 403, path
    assert _state() == before
    html = funder.get(f"/projects/{project.id}/funding/").text
    assert "Nouvelle ligne" not in html and "Rédiger" not in html
    html = funder.get(f"/projects/{project.id}/funding/budget").text
    assert "<form" not in html.split('id="main"')[1].split("</main>")[0]


@pytest.mark.parametrize(
    "keys", [("50", "49,99"), ("50", "50,01"), ("33,333", "66,667"), ("-10", "110"), ("abc", "100")]
)
def test_keys_not_summing_to_100_are_400(roles_project, login_as, keys):
    project, people = roles_project
    orgs = project.partners
    assert len(orgs) == 2
    data = {f"key-{o.id}": k for o, k in zip(orgs, keys, strict=True)}
    r = login_as(people["director"]).post(f"/projects/{project.id}/funding/budget/keys", data=data)
    assert r.status_code == 400
    assert "100" in r.text or "Pourcentage invalide" in r.text
    assert db.session.scalars(db.select(FundingShareKey)).all() == []


def test_keys_and_resulting_shares(roles_project, login_as):
    project, people = roles_project
    _setup(project, people)
    a, b = project.partners
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/funding/budget/keys",
        data={f"key-{a.id}": "33,33", f"key-{b.id}": "66,67"},
    )
    assert r.status_code == 302
    html = (
        login_as(people["funder"])
        .get(f"/projects/{project.id}/funding/budget")
        .text.replace("\u202f", " ")
        .replace("\xa0", " ")
    )
    assert "333,30 €" in html and "666,70 €" in html


def test_expense_bad_input_and_remaining_balance(roles_project, login_as):
    project, people = roles_project
    line, _e, _i = _setup(project, people)
    client = login_as(people["director"])
    url = f"/projects/{project.id}/funding/lines/{line.id}/expenses"
    for data in (
        {"spent_on": "", "supplier": "X", "amount": "5"},
        {"spent_on": "2026-01-01", "supplier": "", "amount": "5"},
        {"spent_on": "2026-01-01", "supplier": "X", "amount": "0"},
        {"spent_on": "2026-01-01", "supplier": "X", "amount": "1,001"},
        {"spent_on": "2026-01-01", "supplier": "x" * 201, "amount": "5"},
    ):
        assert client.post(url, data=data).status_code == 400, data
    assert len(db.session.scalars(db.select(FundingExpense)).all()) == 1
    html = (
        client.get(f"/projects/{project.id}/funding/lines/{line.id}")
        .text.replace("\u202f", " ")
        .replace("\xa0", " ")
    )
    assert "11 900,00 €" in html  # 12 000 requested − 100 spent


def test_widget_summary(roles_project):
    from plugins.funding.summary import widget_data

    project, people = roles_project
    make_line(project, people["director"], status="requested")
    data = widget_data(project, people["funder"])
    assert data["summary"]["total"]["requested"] == Decimal("12000.00")
