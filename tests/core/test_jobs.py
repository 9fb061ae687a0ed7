"""Background jobs (issue 20): a report is asked, the request answers at once (202) without
building anything; a worker builds it; the owner follows its progress on a page only they can
open, and is notified. Failures are retried, then shown in French with nothing half-saved. The
same through RQ on the real Redis."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from flask import current_app

from plugins.dashboard import reports
from plugins.dashboard.models import Report
from tests.jobs import run_jobs
from workspace.extensions import db
from workspace.jobs import DONE, FAILED, QUEUED, Job
from workspace.models import StoredFile
from workspace.notifications.center import Notification

HX = {"HX-Request": "true"}


def _ask(client, project, fmt="pdf", htmx=True):
    return client.post(
        f"/projects/{project.id}/dashboard/reports/generate",
        data={"period": "2026", "format": fmt},
        headers=HX if htmx else {},
    )


@pytest.fixture(autouse=True)
def _own_upload_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


def _files_on_disk() -> list[Path]:
    root = Path(current_app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_request_answers_before_the_work_and_the_owner_follows_it(roles_project, login_as):
    project, people = roles_project
    funder = login_as(people["funder"])
    r = _ask(funder, project)
    # Nothing was built while the person waited: the job is queued, shown with its progress.
    assert r.status_code == 202
    job = db.session.scalar(db.select(Job))
    assert (job.status, job.kind, job.user_id, job.params) == (
        QUEUED,
        "dashboard.report",
        people["funder"].id,
        {"period": "2026", "format": "pdf"},
    )
    assert 'hx-trigger="every 1s"' in r.text and "<progress" in r.text
    assert "vous pouvez quitter la page" in r.text.lower()
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0
    # The worker builds it; the fragment then offers the file and stops polling.
    assert run_jobs() == 1
    db.session.refresh(job)
    assert (job.status, job.progress, job.attempts) == (DONE, 100, 1)
    fragment = funder.get(f"/jobs/{job.id}", headers=HX).text
    report = db.session.scalar(db.select(Report))
    assert f"/projects/{project.id}/files/{report.file_id}" in fragment
    assert "Le bilan est prêt." in fragment and "every 1s" not in fragment
    assert funder.get(f"/projects/{project.id}/files/{report.file_id}").data[:5] == b"%PDF-"
    # The owner is notified, with a link to the job's page.
    note = db.session.scalar(db.select(Notification).filter_by(user_id=people["funder"].id))
    assert note.kind == "job_done"
    assert note.text == "Votre demande est prête : le bilan 2026 (PDF)."
    assert note.text_en == "Your request is ready: the 2026 report (PDF)."
    assert note.url.endswith(f"/jobs/{job.id}")


def test_a_job_is_its_owner_s_only(roles_project, login_as):
    project, people = roles_project
    _ask(login_as(people["funder"]), project)
    job = db.session.scalar(db.select(Job))
    for who in ("director", "coordinator", "adviser"):
        assert login_as(people[who]).get(f"/jobs/{job.id}").status_code == 404
    anonymous = current_app.test_client().get(f"/jobs/{job.id}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert login_as(people["funder"]).get(f"/jobs/{job.id}").status_code == 200
    assert login_as(people["funder"]).get("/jobs/99999999999").status_code == 404


def test_without_javascript_the_person_is_sent_to_the_job_s_page(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    r = _ask(client, project, htmx=False)
    assert r.status_code == 303 and re.search(r"/jobs/\d+$", r.headers["Location"])
    page = client.get(r.headers["Location"]).text
    assert "Votre demande" in page and "En attente" in page and project.name in page


def test_a_failure_is_retried_then_told_in_french_and_leaves_nothing(
    roles_project, login_as, monkeypatch
):
    project, people = roles_project
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setattr(reports, "pdf", broken)
    client = login_as(people["coordinator"])
    _ask(client, project)
    assert run_jobs() == 1
    job = db.session.scalar(db.select(Job))
    assert (job.status, job.attempts, len(calls)) == (FAILED, 3, 3)
    fragment = client.get(f"/jobs/{job.id}", headers=HX).text
    assert "La préparation a échoué après plusieurs essais" in fragment
    assert "disk full" not in fragment and "Traceback" not in fragment
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0
    assert _files_on_disk() == []
    note = db.session.scalar(db.select(Notification))
    assert note.text == "Votre demande a échoué : le bilan 2026 (PDF)."


def test_a_passing_failure_is_mended_by_the_retry(roles_project, login_as, monkeypatch):
    project, people = roles_project
    real, calls = reports.pdf, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError("database busy")
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "pdf", flaky)
    _ask(login_as(people["coordinator"]), project)
    run_jobs()
    job = db.session.scalar(db.select(Job))
    assert (job.status, job.attempts) == (DONE, 2)
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 1


def test_an_owner_who_lost_the_right_gets_a_clear_refusal_without_retry(roles_project, login_as):
    from workspace.models import Membership

    project, people = roles_project
    _ask(login_as(people["director"]), project)
    membership = db.session.scalar(
        db.select(Membership).filter_by(user_id=people["director"].id, project_id=project.id)
    )
    db.session.delete(membership)
    db.session.commit()
    run_jobs()
    job = db.session.scalar(db.select(Job))
    assert (job.status, job.attempts) == (FAILED, 1)
    assert job.error == "Vous ne pouvez plus générer de bilan pour ce projet."


def test_a_job_runs_once_even_when_handed_twice(roles_project, login_as):
    from workspace.jobs.runner import run

    project, people = roles_project
    _ask(login_as(people["funder"]), project)
    job_id = db.session.scalar(db.select(Job.id))
    assert run(job_id) == DONE
    assert run(job_id) is None  # not queued any more: nothing runs
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 1


def test_through_rq_on_redis(roles_project, login_as, monkeypatch):
    """The Redis backend: the request puts the job on an RQ queue, an RQ worker runs it."""
    from workspace.jobs import rq_backend

    project, people = roles_project
    monkeypatch.setitem(current_app.config, "JOBS_BACKEND", "rq")
    monkeypatch.setitem(current_app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setitem(current_app.config, "JOBS_QUEUE", f"coopilote-test-{uuid.uuid4().hex}")
    queue = rq_backend.queue()
    try:
        funder = login_as(people["funder"])
        r = _ask(funder, project)
        assert r.status_code == 202
        assert queue.count == 1  # handed to Redis after the commit
        job_id = db.session.scalar(db.select(Job.id))
        funder.get(f"/jobs/{job_id}", headers=HX)  # the page's polling hands it no second time
        assert queue.count == 1
        rq_backend.work(burst=True)
        job = db.session.scalar(db.select(Job))
        db.session.refresh(job)
        assert job.status == DONE and queue.count == 0
        assert db.session.scalar(db.select(db.func.count(Report.id))) == 1
    finally:
        queue.delete(delete_jobs=True)


def test_a_job_gone_while_it_ran_ends_quietly(roles_project, login_as, monkeypatch):
    """Its owner or project deleted between the claim and the work: nothing runs, nothing is
    told, the worker goes on."""
    from workspace.jobs import runner

    monkeypatch.setattr(runner, "claim", lambda job_id: True)
    assert runner.run(987654) is None
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0
