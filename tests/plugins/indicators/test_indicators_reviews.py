"""Reviews: only evaluators decide; directors answer questions; status override; realtime."""

import pytest

from plugins.indicators.models import Indicator, Measurement, Review, ReviewReply
from tests.mail import read_outbox
from workspace.extensions import db


def murl(project, ind, m, rest):
    return f"/projects/{project.id}/indicators/{ind.id}/measurements/{m.id}/{rest}"


def count(model):
    return db.session.scalar(db.select(db.func.count(model.id)))


@pytest.mark.parametrize("who", ["coordinator", "director", "adviser", "funder"])
def test_only_evaluators_review(setup, login_as, who):
    project, people, ind, m = setup
    c = login_as(people[who])
    for target in (
        murl(project, ind, m, "review"),
        f"/projects/{project.id}/indicators/{ind.id}/review",
    ):
        r = c.post(target, data={"decision": "accepted"})
        assert r.status_code == 403
    r = c.post(
        f"/projects/{project.id}/indicators/{ind.id}/status",
        data={"status": "on_track", "reason": "forgé"},
    )
    assert r.status_code == 403
    db.session.expire_all()
    assert db.session.get(Measurement, m.id).review_status == "pending"
    assert db.session.get(Indicator, ind.id).status_override is None
    assert count(Review) == 0


def test_accept_then_status_follows_the_accepted_value(setup, login_as):
    project, people, ind, m = setup
    c = login_as(people["evaluator"])
    page = c.get(f"/projects/{project.id}/indicators/")
    assert "pas encore mesuré" in page.text  # nothing accepted yet
    r = c.post(murl(project, ind, m, "review"), data={"decision": "accepted"})
    assert r.status_code == 302
    assert db.session.get(Measurement, m.id).review_status == "accepted"
    page = c.get(f"/projects/{project.id}/indicators/")
    # 90 % at the end of Q1 2026 is above the path from 88 (end 2025) to 97 (mid 2027).
    assert 'data-status="on_track"' in page.text and "en bonne voie" in page.text


def test_question_requires_text_and_directors_answer(setup, login_as, emitted):
    project, people, ind, m = setup
    ev = login_as(people["evaluator"])
    r = ev.post(
        murl(project, ind, m, "review"),
        data={"decision": "questioned", "text": " "},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 400 and "Écrivez la question posée aux directions" in r.text
    assert count(Review) == 0
    r = ev.post(
        murl(project, ind, m, "review"),
        data={"decision": "questioned", "text": "D'où vient ce chiffre ?"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "D&#39;où vient ce chiffre ?" in r.text
    assert emitted[-1]["type"] == "measurement:questioned"
    assert f"measurement:{m.id}" in emitted[-1]["keys"] and "url" in emitted[-1]
    review = db.session.scalar(db.select(Review))
    answer = f"/projects/{project.id}/indicators/{ind.id}/reviews/{review.id}/answer"
    # The evaluator, adviser and funder cannot answer in the directors' place.
    for who in ("evaluator", "adviser", "funder"):
        assert login_as(people[who]).post(answer, data={"text": "x"}).status_code == 403
    d = login_as(people["director"])
    r = d.post(answer, data={"text": ""}, headers={"HX-Request": "true"})
    assert r.status_code == 400 and "Ce champ est obligatoire" in r.text
    r = d.post(
        answer, data={"text": "Congés d'été : planning joint."}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and "Congés d&#39;été" in r.text
    assert emitted[-1]["type"] == "measurement:answered"
    assert db.session.scalar(db.select(ReviewReply)).text == "Congés d'été : planning joint."
    # The directors were told of the question, the evaluator of the answer — with the words.
    asked = _notifications(people["director"], "measurement_questioned")
    assert [n.detail for n in asked] == ["D'où vient ce chiffre ?"]
    [told] = _notifications(people["evaluator"], "question_answered")
    assert told.detail == "Congés d'été : planning joint." and told.channel == "email"
    assert told.url.startswith(f"/projects/{project.id}/indicators/{ind.id}")
    [mail] = [x for x in read_outbox() if x["to"] == people["evaluator"].email]
    assert "> Congés d'été : planning joint." in mail["body"]
    # The answer form is gone once the evaluator accepts.
    ev.post(murl(project, ind, m, "review"), data={"decision": "accepted"})
    assert db.session.get(Measurement, m.id).review_status == "accepted"


def _notifications(user, kind: str) -> list:
    from workspace.notifications.center import Notification

    rows = db.select(Notification).filter_by(user_id=user.id, kind=kind)
    return list(db.session.scalars(rows.order_by(Notification.id)))


def test_a_measurement_entered_or_changed_awaits_the_evaluator(roles_project, login_as):
    from tests.plugins.indicators.conftest import make_indicator, make_measurement

    project, people = roles_project
    ind = make_indicator(project, people["director"])
    m = make_measurement(ind, people["director"])
    db.session.commit()
    [entered] = _notifications(people["evaluator"], "measurement_to_review")
    assert entered.channel == "digest" and entered.url.endswith(f"#measurement-{m.id}")
    assert _notifications(people["director"], "measurement_to_review") == []
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/indicators/{ind.id}/measurements/{m.id}/edit",
        data={"value": "91", "comment": "Corrigé", "version": str(m.version)},
    )
    assert r.status_code == 302, r.text
    assert len(_notifications(people["evaluator"], "measurement_to_review")) == 2


def test_reject_requires_a_reason(setup, login_as):
    project, people, ind, m = setup
    ev = login_as(people["evaluator"])
    r = ev.post(murl(project, ind, m, "review"), data={"decision": "rejected", "text": ""})
    assert r.status_code == 400 and "Indiquez le motif du rejet" in r.text
    r = ev.post(murl(project, ind, m, "review"), data={"decision": "maybe", "text": "x"})
    assert r.status_code == 400
    assert count(Review) == 0
    r = ev.post(
        murl(project, ind, m, "review"), data={"decision": "rejected", "text": "Hors champ"}
    )
    assert r.status_code == 302 and db.session.get(Measurement, m.id).review_status == "rejected"


def test_override_needs_a_justification(setup, login_as):
    project, people, ind, _m = setup
    ev = login_as(people["evaluator"])
    target = f"/projects/{project.id}/indicators/{ind.id}/status"
    r = ev.post(target, data={"status": "off_track", "reason": ""})
    assert r.status_code == 400 and "Justifiez" in r.text
    assert db.session.get(Indicator, ind.id).status_override is None
    r = ev.post(target, data={"status": "off_track", "reason": "Données de Cavaillon manquantes"})
    assert r.status_code == 302
    page = ev.get(f"/projects/{project.id}/indicators/{ind.id}")
    assert 'data-status="off_track"' in page.text and "Données de Cavaillon manquantes" in page.text
    ev.post(target, data={"status": "", "reason": ""})
    assert db.session.get(Indicator, ind.id).status_override is None


def test_indicator_review(setup, login_as, emitted):
    project, people, ind, _m = setup
    r = login_as(people["evaluator"]).post(
        f"/projects/{project.id}/indicators/{ind.id}/review",
        data={"decision": "questioned", "text": "Quelle source pour le week-end ?"},
    )
    assert r.status_code == 302
    assert db.session.get(Indicator, ind.id).review_status == "questioned"
    assert emitted[-1]["type"] == "indicator:questioned"


def test_a_second_client_receives_the_question_after_commit(setup, login_as, socket_for):
    project, people, ind, m = setup
    director_socket = socket_for(people["director"], project)
    login_as(people["evaluator"]).post(
        murl(project, ind, m, "review"), data={"decision": "questioned", "text": "Pourquoi ?"}
    )
    notices = [e["args"][0] for e in director_socket.get_received() if e["name"] == "notice"]
    assert any(
        n["type"] == "measurement:questioned" and f"measurement:{m.id}" in n["keys"]
        for n in notices
    )


def test_nothing_is_emitted_after_a_rollback(setup, socket_for):
    from plugins.indicators import operations

    project, people, ind, m = setup
    director_socket = socket_for(people["director"], project)
    operations.review(ind, people["evaluator"], "accepted", "", m)
    db.session.rollback()
    assert [e for e in director_socket.get_received() if e["name"] == "notice"] == []
    assert db.session.get(Measurement, m.id).review_status == "pending"


def test_live_fragment_shows_the_question(setup, login_as):
    project, people, ind, m = setup
    login_as(people["evaluator"]).post(
        murl(project, ind, m, "review"), data={"decision": "questioned", "text": "Source ?"}
    )
    r = login_as(people["funder"]).get(
        f"/projects/{project.id}/indicators/{ind.id}/measurements/{m.id}",
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "Source ?" in r.text
    assert "Répondre" not in r.text and "Examiner" not in r.text and "Modifier" not in r.text
