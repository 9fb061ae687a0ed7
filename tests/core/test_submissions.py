"""A creation form submitted twice (double click, re-post, two tabs) creates one thing."""

from __future__ import annotations

import re
import threading

import pytest

from plugins.funding.models import FundingLine
from plugins.indicators.models import Indicator
from plugins.milestones.models import Milestone
from tests.plugins.funding.conftest import aid_form, funder_org
from workspace.extensions import db
from workspace.forms.submissions import FormSubmission

KEY = "k" * 32


def _count(model, project) -> int:
    db.session.expire_all()
    return len(db.session.scalars(db.select(model).filter_by(project_id=project.id)).all())


CASES = {
    "milestone": (Milestone, "/milestones/new", lambda: {"title": "Convention signée"}),
    "indicator": (
        Indicator,
        "/indicators/new",
        lambda: {
            "name": "Heures mutualisées",
            "area": "pilotage",
            "kind": "quantity",
            "direction": "higher",
            "baseline_value": "10",
            "target_value": "20",
            "frequency": "quarterly",
            "baseline_date": "2026-01-01",
            "target_date": "2027-12-31",
            "responsible_org": "0",
        },
    ),
    "funding line": (FundingLine, "/funding/lines/new", lambda: aid_form(funder_org().id)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_form_twice_creates_one(roles_project, login_as, case):
    model, path, body = CASES[case]
    project, people = roles_project
    client = login_as(people["director"])
    url = f"/projects/{project.id}{path}"
    page = client.get(url).text
    key = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    data = {**body(), "submission": key}
    first = client.post(url, data=data)
    assert first.status_code == 302, first.text[:2000]
    second = client.post(url, data=data)
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(model, project) == 1
    # A new form (a new key) creates another one.
    again = {**data, "submission": "n" * 32}
    if case == "funding line":  # one start-up aid per project: another kind of line
        again.update(kind="operating_grant", purpose_category="operating")
    third = client.post(url, data=again)
    assert third.status_code == 302 and _count(model, project) == 2


def test_a_refused_form_keeps_its_key_and_records_nothing(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    url = f"/projects/{project.id}/milestones/new"
    r = client.post(url, data={"title": "", "submission": KEY})
    assert r.status_code == 400 and f'value="{KEY}"' in r.text
    assert db.session.scalar(db.select(FormSubmission)) is None
    assert client.post(url, data={"title": "Jalon", "submission": KEY}).status_code == 302
    assert _count(Milestone, project) == 1


def test_keys_are_per_person(roles_project, login_as):
    project, people = roles_project
    url = f"/projects/{project.id}/milestones/new"
    for who in ("director", "coordinator"):
        r = login_as(people[who]).post(url, data={"title": f"Jalon {who}", "submission": KEY})
        assert r.status_code == 302
    assert _count(Milestone, project) == 2


def test_two_submissions_at_the_same_instant_create_one(app, roles_project):
    from tests.conftest import login

    project, people = roles_project
    url = f"/projects/{project.id}/milestones/new"
    barrier, codes = threading.Barrier(2), []
    clients = [login(app.test_client(), people["director"]) for _ in range(2)]

    def submit(client):
        barrier.wait()
        codes.append(client.post(url, data={"title": "Jalon", "submission": KEY}).status_code)

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert codes == [302, 302]
    assert _count(Milestone, project) == 1


def test_an_expense_posted_twice_is_recorded_once(roles_project, login_as):
    from plugins.funding.models import FundingExpense
    from tests.plugins.funding.conftest import granted_line

    project, people = roles_project
    line = granted_line(project, people["director"])
    client = login_as(people["director"])
    page = client.get(f"/projects/{project.id}/funding/lines/{line.id}").text
    key = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    url = f"/projects/{project.id}/funding/lines/{line.id}/expenses"
    data = {
        "spent_on": "2026-05-01",
        "supplier": "Cabinet",
        "amount": "1 250,00",
        "submission": key,
    }
    first, second = client.post(url, data=data), client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    db.session.expire_all()
    assert len(db.session.scalars(db.select(FundingExpense)).all()) == 1
