"""Review records are immutable: no endpoint changes or deletes them, nor can the ORM."""

from __future__ import annotations

import pytest
from flask import current_app

from plugins.milestones import operations as ops
from plugins.milestones.models import ImmutableReview, Milestone, MilestoneReview
from tests.conftest import ROLES
from workspace.extensions import db

from .conftest import make_milestone, pdf_upload


def _snapshot():
    rows = db.session.scalars(db.select(MilestoneReview).order_by(MilestoneReview.id))
    return [
        (r.id, r.round, r.decision, r.reason, r.evidence_seen, r.actor_id, r.created_at)
        for r in rows
    ]


def test_review_records_the_exact_evidence_seen(roles_project):
    project, people = roles_project
    m = make_milestone(project, people, "validated")
    sub, val = m.reviews
    stored = m.evidence[0].file
    assert sub.evidence_seen == [{"name": stored.original_name, "sha256": stored.sha256}]
    assert len(stored.sha256) == 64
    assert (val.decision, val.actor_id, val.round) == ("validated", people["adviser"].id, 1)


def test_orm_refuses_to_update_or_delete_a_review(roles_project):
    project, people = roles_project
    m = make_milestone(project, people, "submitted")
    review = m.reviews[0]
    review.reason = "réécrit"
    with pytest.raises(ImmutableReview):
        db.session.flush()
    db.session.rollback()
    review = db.session.get(MilestoneReview, review.id)
    db.session.delete(review)
    with pytest.raises(ImmutableReview):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(MilestoneReview, review.id).reason == "Voici la version 3."


def _every_post(project, m, review_id, ev_id):
    base = f"/projects/{project.id}/milestones/{m.id}"
    return [
        (f"{base}/edit", {"title": "Autre", "version": m.version}),
        (f"{base}/delete", {}),
        (f"{base}/evidence", {"kind": "link", "url": "https://example.org/x"}),
        (f"{base}/evidence/{ev_id}/delete", {}),
        (f"{base}/submit", {"message": "encore"}),
        (f"{base}/validate", {"reason": "ok"}),
        (f"{base}/return", {"return-reason": "non"}),
        (f"{base}/reopen", {"reopen-reason": "changer"}),
        (f"{base}/reviews/{review_id}", {"reason": "réécrit"}),
        (f"{base}/reviews/{review_id}/delete", {}),
        (f"/projects/{project.id}/milestones/calendar", {"action": "create"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_endpoint_changes_past_reviews(roles_project, login_as, role):
    project, people = roles_project
    m = make_milestone(project, people, "returned")
    with current_app.test_request_context():
        ops.submit(m, people["director"], "Deuxième tour")
        db.session.commit()
    before = _snapshot()
    client = login_as(people[role])
    for url, data in _every_post(project, m, before[0][0], m.evidence[0].id):
        r = client.post(url, data=data)
        assert r.status_code < 500, url
        for method in (client.put, client.patch, client.delete):
            assert method(url, data=data).status_code in (404, 405), url
    db.session.expire_all()
    after = _snapshot()
    # Records may be added by a step of the workflow, never changed or removed.
    assert after[: len(before)] == before


def test_reopen_is_recorded_and_unlocks_evidence(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "validated")
    base = f"/projects/{project.id}/milestones/{m.id}"
    director = login_as(people["director"])
    r = director.post(f"{base}/evidence", data={"kind": "link", "url": "https://example.org/x"})
    assert r.status_code == 409
    r = login_as(people["adviser"]).post(f"{base}/reopen", data={"reopen-reason": "Annexe"})
    assert r.status_code == 302
    r = director.post(f"{base}/evidence", data={"kind": "link", "url": "https://example.org/x"})
    assert r.status_code == 302
    db.session.expire_all()
    m = db.session.get(Milestone, m.id)
    assert [rv.decision for rv in m.reviews] == ["submitted", "validated", "reopened"]
    assert m.reviews[-1].reason == "Annexe"
    assert m.status == "returned" and len(m.evidence) == 2


def test_file_evidence_through_the_upload_service(roles_project, login_as):
    project, people = roles_project
    m = make_milestone(project, people, "planned")
    client = login_as(people["director"])
    url = f"/projects/{project.id}/milestones/{m.id}/evidence"
    r = client.post(
        url,
        data={"kind": "file", "file": (pdf_upload("pv.pdf").stream, "pv.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    r = client.post(
        url,
        data={"kind": "file", "file": (__import__("io").BytesIO(b"<script>"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    assert "Type de fichier non accepté" in r.text
    db.session.expire_all()
    assert [e.name for e in db.session.get(Milestone, m.id).evidence] == ["preuve.pdf", "pv.pdf"]
