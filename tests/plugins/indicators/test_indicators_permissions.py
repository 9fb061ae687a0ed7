"""Every indicators endpoint × every row of WHO. Forged writes change nothing."""

import pytest

from plugins.indicators.models import Indicator, Measurement, Review
from tests.conftest import WHO, client_for
from workspace.extensions import db

VIEW = {"coordinator", "director", "adviser", "evaluator", "funder"}
EDIT = {"coordinator", "director"}
REVIEW = {"evaluator"}


def endpoints(project, ind, m, review_id):
    base = f"/projects/{project.id}/indicators"
    mb = f"{base}/{ind.id}/measurements/{m.id}"
    return [
        ("GET", f"{base}/", {}, VIEW, 200),
        ("GET", f"{base}/{ind.id}", {}, VIEW, 200),
        ("GET", mb, {}, VIEW, 302),  # without htmx: back to the page
        ("GET", f"{base}/export.csv", {}, VIEW, 200),
        ("GET", f"{base}/indicators.csv", {}, VIEW, 200),
        ("POST", f"{base}/export.xlsx", {}, VIEW, 303),  # to the job's page
        ("GET", f"{base}/library", {}, EDIT, 200),
        ("GET", f"{base}/new", {}, EDIT, 200),
        ("GET", f"{base}/{ind.id}/edit", {}, EDIT, 200),
        ("GET", f"{mb}/edit", {}, EDIT, 200),
        ("POST", f"{base}/{ind.id}/measurements", {"period": "2026-T2", "value": "91"}, EDIT, 302),
        (
            "POST",
            f"{mb}/edit",
            {"value": "89", "version": str(getattr(m, "version", 1))},
            EDIT,
            302,
        ),
        ("POST", f"{base}/{ind.id}/reviews/{review_id}/answer", {"text": "Réponse"}, EDIT, 302),
        ("POST", f"{mb}/review", {"decision": "accepted"}, REVIEW, 302),
        ("POST", f"{base}/{ind.id}/review", {"decision": "accepted"}, REVIEW, 302),
        ("POST", f"{base}/{ind.id}/status", {"status": "at_risk", "reason": "r"}, REVIEW, 302),
        ("POST", f"{base}/{ind.id}/delete", {}, EDIT, 302),
    ]


def state():
    return (
        db.session.scalar(db.select(db.func.count(Indicator.id))),
        db.session.scalar(db.select(db.func.count(Measurement.id))),
        db.session.scalar(db.select(db.func.count(Review.id))),
        [(m.value, m.review_status, m.version) for m in db.session.scalars(db.select(Measurement))],
        [(i.status_override, i.review_status) for i in db.session.scalars(db.select(Indicator))],
    )


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(setup, login_as, who):
    from plugins.indicators import operations

    project, people, ind, m = setup
    review = operations.review(ind, people["evaluator"], "questioned", "Pourquoi ?", m)
    db.session.commit()
    for method, url, data, allowed, ok in endpoints(project, ind, m, review.id):
        client = client_for(who, people, login_as)
        db.session.expire_all()
        before = state()
        r = client.open(url, method=method, data=data)
        if who == "anonymous":
            expected = 302 if method == "GET" else (302, 401)
            assert r.status_code in ((expected,) if isinstance(expected, int) else expected), url
            assert r.status_code != 302 or "/login" in r.headers["Location"]
        elif who in ("outsider", "admin"):
            assert r.status_code == 404, (who, url)
        elif who in allowed:
            assert r.status_code == ok, (who, method, url, r.status_code)
            if method == "POST":
                db.session.expire_all()
                if state() != before:
                    return  # the first allowed write changes the state; the rest is covered
                continue  # a job asked (the workbook): nothing of the project changed
        else:
            assert r.status_code == 403, (who, method, url, r.status_code)
        if method == "POST":
            db.session.expire_all()
            assert state() == before, (who, url)


@pytest.mark.parametrize("who", ["coordinator", "evaluator", "funder"])
def test_every_allowed_write_succeeds(roles_project, login_as, who):
    """Each write endpoint works for its roles (a fresh indicator per call)."""
    from plugins.indicators import operations
    from tests.plugins.indicators.conftest import make_indicator, make_measurement

    project, people = roles_project
    for i in range(len(endpoints(project, type("X", (), {"id": 0}), type("X", (), {"id": 0}), 0))):
        ind = make_indicator(project, people["director"], name=f"Indicateur {i}")
        m = make_measurement(ind, people["director"])
        review = operations.review(ind, people["evaluator"], "questioned", "Q ?", m)
        db.session.commit()
        method, url, data, allowed, ok = endpoints(project, ind, m, review.id)[i]
        if method != "POST":
            continue
        r = client_for(who, people, login_as).open(url, method=method, data=data)
        assert r.status_code == (ok if who in allowed else 403), (who, url, r.status_code)


def test_archived_project_refuses_writes(setup, login_as):
    project, people, ind, m = setup
    project.archived = True
    db.session.commit()
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/indicators/{ind.id}/measurements",
        data={"period": "2026-T2", "value": "91"},
    )
    assert r.status_code == 403
    r = login_as(people["evaluator"]).post(
        f"/projects/{project.id}/indicators/{ind.id}/measurements/{m.id}/review",
        data={"decision": "accepted"},
    )
    assert r.status_code == 403
    assert login_as(people["funder"]).get(f"/projects/{project.id}/indicators/").status_code == 200


def test_funder_sees_no_controls(setup, login_as):
    project, people, ind, _m = setup
    c = login_as(people["funder"])
    for page in (
        f"/projects/{project.id}/indicators/",
        f"/projects/{project.id}/indicators/{ind.id}",
    ):
        text = c.get(page).text
        for control in (
            "Nouvel indicateur",
            "Saisir une mesure",
            "Modifier",
            "Supprimer",
            "Examiner cette mesure",
            "Ajuster le statut",
            "Bibliothèque",
        ):
            assert control not in text, (page, control)
