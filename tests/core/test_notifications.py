"""The notification centre: derived from events and mentions, per-kind preferences, email
after commit, the daily digest (idempotent), realtime push to the user's personal room."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from flask_babel import lazy_gettext as _l

from tests.conftest import WHO, client_for
from tests.factories import create_user, project_with_roles
from tests.mail import read_outbox
from workspace.events import publish
from workspace.extensions import db
from workspace.notifications import center as notif
from workspace.notifications.center import DigestLog, Notification, set_preference


def _mention(author, project, target_name, login_as, body=None):
    r = login_as(author).post(
        f"/projects/{project.id}/comments/thread/project/{project.id}",
        data={"body": body or f"Peux-tu regarder @{target_name} ?", "key": uuid4().hex},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 201, r.text
    return r.json


def _personal(sc):
    return [e["args"][0] for e in sc.get_received() if e["name"] == "personal"]


def test_mention_notifies_emails_and_pushes(login_as, socket_for):
    project, people = project_with_roles()
    adviser = people["adviser"]
    tab = socket_for(adviser)  # any page open: the personal room
    c = _mention(people["director"], project, adviser.name, login_as)
    [n] = db.session.scalars(db.select(Notification)).all()
    assert (n.user_id, n.kind, n.channel) == (adviser.id, "mention", "email")
    assert n.text == f"{people['director'].name} vous a mentionné dans « {project.name} »"
    assert n.url.endswith(f"#comment-{c['id']}")
    [mail] = read_outbox()
    assert mail["to"] == adviser.email and people["director"].name in mail["subject"]
    assert "http://localhost/projects/" in mail["body"]
    [push] = _personal(tab)
    assert push["type"] == "notification" and push["id"] == n.id
    html = f'<span class="mention" data-user="{adviser.id}">'
    assert html in c["html"]
    # What was said travels with it: under the headline, and quoted in the e-mail.
    assert n.detail == f"Peux-tu regarder @{adviser.name} ?"
    assert f"> Peux-tu regarder @{adviser.name} ?" in mail["body"]
    page = login_as(adviser).get("/notifications/")
    assert f'<span class="notification-detail">Peux-tu regarder @{adviser.name} ?' in page.text


def test_a_decision_s_reason_is_quoted_in_the_e_mail_and_the_digest(app, login_as):
    from plugins.milestones import operations as milestones
    from plugins.milestones.models import Milestone

    project, people = project_with_roles()
    set_preference(people["coordinator"].id, "milestone_decided", "digest")
    m = Milestone(project_id=project.id, title="Convention signée", status="submitted")
    db.session.add(m)
    db.session.flush()
    reason = "Il manque la signature de Soins du Comtat.\nÀ joindre au jalon."
    with app.test_request_context():
        milestones.send_back(m, people["adviser"], reason)
    db.session.commit()
    [mail] = [x for x in read_outbox() if x["to"] == people["director"].email]
    assert "> Il manque la signature de Soins du Comtat.\n> À joindre au jalon." in mail["body"]
    today = notif.datetime.now(notif.PARIS).date().isoformat()
    result = app.test_cli_runner().invoke(args=["digest", "send", "--date", today])
    assert "1 sent" in result.output, result.output
    [digest] = [x for x in read_outbox() if x["to"] == people["coordinator"].email]
    said = "> Il manque la signature de Soins du Comtat. À joindre au jalon."
    assert said in digest["body"]


def test_a_long_detail_is_cut_with_an_ellipsis():
    project, people = project_with_roles()
    [n] = notif.notify([people["director"].id], "mention", project, "x", detail="é" * 3000)
    assert len(n.detail) == notif.DETAIL_MAX and n.detail.endswith("…")


def test_a_name_shared_by_two_members_mentions_both(login_as):
    project, people = project_with_roles()
    twin = create_user(people["adviser"].name)
    from workspace.models import Membership

    db.session.add(Membership(user_id=twin.id, project_id=project.id, role="evaluator"))
    db.session.commit()
    _mention(people["director"], project, twin.name, login_as)
    rows = db.session.scalars(db.select(Notification)).all()
    assert sorted(n.user_id for n in rows) == sorted([people["adviser"].id, twin.id])


def test_mention_of_a_non_member_is_plain_text_and_notifies_nobody(login_as):
    project, people = project_with_roles()
    stranger = create_user("Jean Inconnu")
    c = _mention(people["director"], project, stranger.name, login_as)
    assert 'class="mention"' not in c["html"] and "@Jean Inconnu" in c["html"]
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0
    assert read_outbox() == []


def test_reply_notifies_thread_participants_in_app_only(login_as):
    project, people = project_with_roles()
    url = f"/projects/{project.id}/comments/thread/project/{project.id}"
    top = (
        login_as(people["director"])
        .post(url, data={"body": "Question"}, headers={"Accept": "application/json"})
        .json
    )
    login_as(people["evaluator"]).post(url, data={"body": "Moi aussi", "parent": top["id"]})
    login_as(people["adviser"]).post(url, data={"body": "Réponse", "parent": top["id"]})
    rows = db.session.scalars(db.select(Notification).filter_by(kind="reply")).all()
    # The director is told twice (two replies), the evaluator once (the adviser's reply).
    assert sorted(n.user_id for n in rows) == sorted(
        [people["director"].id, people["director"].id, people["evaluator"].id]
    )
    assert all(n.channel == "app" for n in rows) and read_outbox() == []


def test_nothing_is_sent_after_a_rollback(socket_for):
    project, people = project_with_roles()
    tab = socket_for(people["adviser"])
    notif.notify([people["adviser"].id], "mention", project, _l("Test"), "/x")
    db.session.rollback()
    assert read_outbox() == [] and _personal(tab) == []
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0


def test_preference_off_and_actor_excluded(login_as):
    project, people = project_with_roles()
    set_preference(people["adviser"].id, "mention", "off")
    db.session.commit()
    _mention(people["director"], project, people["adviser"].name, login_as)
    _mention(
        people["director"],
        project,
        people["director"].name,
        login_as,
        body=f"Note pour moi @{people['director'].name}",
    )
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0


EVENTS = [
    ("milestone:submitted", {}, ["adviser"], "milestone_submitted"),
    ("milestone:validated", {}, ["coordinator", "director"], "milestone_decided"),
    ("milestone:returned", {}, ["coordinator", "director"], "milestone_decided"),
    ("measurement:questioned", {}, ["coordinator", "director"], "measurement_questioned"),
    ("indicator:questioned", {}, ["coordinator", "director"], "measurement_questioned"),
    ("measurement:created", {}, ["evaluator"], "measurement_to_review"),
    ("measurement:updated", {}, ["evaluator"], "measurement_to_review"),
    ("measurement:answered", {"asked_by": "evaluator"}, ["evaluator"], "question_answered"),
    ("indicator:answered", {"asked_by": "evaluator"}, ["evaluator"], "question_answered"),
    ("funding:repayable", {}, ["funder"], "aid_repayable"),
    (
        "task:assigned",
        {"assignees": ["director", "evaluator"]},
        ["director", "evaluator"],
        "task_assigned",
    ),
    ("member:joined", {"invited_by": "coordinator"}, ["coordinator"], "member_joined"),
    ("plan:review_requested", {}, ["adviser"], "plan_review"),
    ("plan:validated", {}, ["coordinator", "director"], "plan_decided"),
    ("plan:returned", {}, ["coordinator", "director"], "plan_decided"),
    ("plan:edited", {}, [], None),
    ("task:moved", {}, [], None),
]


@pytest.mark.parametrize(("etype", "data", "who", "kind"), EVENTS)
def test_events_of_other_plugins_become_notifications(etype, data, who, kind):
    project, people = project_with_roles()
    submitting = etype in ("milestone:submitted", "plan:review_requested")
    actor = people["coordinator"] if submitting else people["adviser"]
    payload = {"url": "/projects/1/x"}
    for k, v in data.items():
        payload[k] = [people[p].id for p in v] if isinstance(v, list) else people[v].id
    publish(etype, project, actor, _l("a fait quelque chose"), object_id=1, data=payload)
    db.session.commit()
    rows = db.session.scalars(db.select(Notification)).all()
    assert sorted(n.user_id for n in rows) == sorted(people[p].id for p in who)
    for n in rows:
        assert n.kind == kind and n.url == "/projects/1/x"
        assert n.text == f"{actor.name} a fait quelque chose"
        assert n.text_en.startswith(actor.name)


def test_digest_is_sent_once_per_user_and_day(app, login_as):
    project, people = project_with_roles(name="Projet Alpha")
    other, others = project_with_roles(name="Projet Bêta")
    others["adviser"].name = "Julien Autre"  # the factory reuses names across projects
    adviser = people["adviser"]
    set_preference(adviser.id, "mention", "digest")
    db.session.commit()
    _mention(people["director"], project, adviser.name, login_as)
    assert read_outbox() == []  # digest: no immediate email
    # The same person is adviser of the second project too.
    from workspace.models import Membership

    db.session.add(Membership(user_id=adviser.id, project_id=other.id, role="adviser"))
    db.session.commit()
    _mention(others["director"], other, adviser.name, login_as)
    runner = app.test_cli_runner()
    today = notif.datetime.now(notif.PARIS).date().isoformat()
    result = runner.invoke(args=["digest", "send", "--date", today])
    assert result.exit_code == 0 and "1 sent" in result.output, result.output
    mails = read_outbox()
    assert len(mails) == 1, mails
    [mail] = mails
    assert mail["to"] == adviser.email and mail["subject"].startswith("[Coopilote] Résumé du")
    assert "== Projet Alpha ==" in mail["body"] and "== Projet Bêta ==" in mail["body"]
    assert f"Bonjour {adviser.name}" in mail["body"]
    again = runner.invoke(args=["digest", "send", "--date", today])
    assert "0 sent" in again.output and len(read_outbox()) == 1
    assert db.session.scalar(db.select(db.func.count(DigestLog.id))) == 1
    yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
    assert "0 sent" in runner.invoke(args=["digest", "send", "--date", yesterday]).output
    bad = runner.invoke(args=["digest", "send", "--date", "2026-13-45"])
    assert bad.exit_code != 0


def test_centre_lists_opens_and_marks_all_read(login_as, socket_for):
    project, people = project_with_roles()
    adviser = people["adviser"]
    for _i in range(2):
        notif.notify([adviser.id], "mention", project, _l("Bonjour"), f"/projects/{project.id}/")
    db.session.commit()
    client = login_as(adviser)
    page = client.get("/notifications/")
    assert page.status_code == 200 and page.text.count("notification is-unread") == 2
    assert 'data-unread="2"' in client.get("/notifications/bell").text
    first = db.session.scalars(db.select(Notification)).first()
    tab = socket_for(adviser)
    r = client.post(f"/notifications/{first.id}/open")
    assert r.status_code == 302 and r.headers["Location"] == f"/projects/{project.id}/"
    assert _personal(tab) == [{"type": "notifications:read"}]
    assert notif.unread_count(adviser.id) == 1
    assert client.post("/notifications/read-all").status_code == 302
    assert notif.unread_count(adviser.id) == 0
    # Someone else's notification does not exist for me.
    assert login_as(people["director"]).post(f"/notifications/{first.id}/open").status_code == 404


def test_preferences_page_saves_and_refuses_bad_values(login_as):
    user = create_user()
    client = login_as(user)
    assert client.get("/notifications/preferences").status_code == 200
    form = dict.fromkeys(notif.KINDS, "app") | {"mention": "digest"}
    assert client.post("/notifications/preferences", data=form).status_code == 302
    assert notif.preferences(user.id)["mention"] == "digest"
    r = client.post("/notifications/preferences", data=form | {"reply": "sms"})
    assert r.status_code == 400 and "choisissez une option" in r.text
    assert notif.preferences(user.id)["reply"] == "app"


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    "path", ["/notifications/", "/notifications/bell", "/notifications/preferences"]
)
def test_pages_need_sign_in_only(who, path, login_as):
    _project, people = project_with_roles()
    r = client_for(who, people, login_as).get(path)
    if who == "anonymous":
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    else:
        assert r.status_code == 200


@pytest.mark.parametrize("who", WHO)
def test_posts_need_sign_in(who, login_as):
    _project, people = project_with_roles()
    client = client_for(who, people, login_as)
    assert client.post("/notifications/read-all").status_code == 302
    r = client.post("/notifications/999/open")
    assert r.status_code == (302 if who == "anonymous" else 404)


def test_the_notification_page_does_not_grow_with_its_rows(login_as):
    """Each row names its actor, their organisation and the project: loaded with the page
    (a query per row was 30 more)."""
    from tests.plugins.board.test_board_page import _count_queries
    from workspace.notifications.center import Notification

    project, people = project_with_roles()
    me = people["director"]

    def add(n: int) -> None:
        for i in range(n):
            actor = create_user(f"Auteur {i}")
            db.session.add(
                Notification(
                    user_id=me.id,
                    project_id=project.id,
                    actor_id=actor.id,
                    kind="comment",
                    text=f"Nouveau commentaire {i}",
                )
            )
        db.session.commit()

    client = login_as(me)
    add(2)
    few, _html = _count_queries(client, "/notifications/")
    add(25)
    many, html = _count_queries(client, "/notifications/")
    assert "Auteur 24" in html and "Nouveau commentaire 24" in html
    assert many == few
    # The person, the switcher, the page's count and rows (actors and projects joined), the
    # unread count (once for the page and the bell): 8 before the joins and the memo.
    assert many <= 5, many
