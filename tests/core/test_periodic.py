"""Work the job worker does on its own (issue 20): the ticker runs each periodic task on its
schedule; the daily digest goes out once, after its hour, for the closed previous day; old
jobs and their files are forgotten; under RQ one worker at a time holds the ticker's lease;
a serving web process keeps the local worker running."""

from __future__ import annotations

import os
import time
import uuid
from datetime import datetime, timedelta
from datetime import time as clock

from tests.factories import project_with_roles
from tests.mail import read_outbox
from workspace.extensions import db
from workspace.jobs import DONE, FAILED, Job, periodic
from workspace.jobs.files import job_dir, new_file
from workspace.models import utcnow
from workspace.notifications.center import PARIS, Notification, notify, set_preference
from workspace.notifications.digest import send_due_digest


def test_the_ticker_runs_each_task_on_its_schedule(monkeypatch):
    calls = []
    monkeypatch.setattr(periodic, "TASKS", {})
    periodic.periodic("often", every=0)(lambda: calls.append("often"))
    periodic.periodic("daily", every=86400)(lambda: calls.append("daily"))

    def broken():
        raise RuntimeError("the database is away")

    periodic.periodic("broken", every=0)(broken)
    ticker = periodic.Ticker()
    assert ticker.tick() == ["often", "daily", "broken"]  # all due at the start; a failure
    assert ticker.tick() == ["often", "broken"]  # is logged and tried again at the next tick
    assert calls == ["often", "daily", "often"]


def _digest_notification(person, project, day):
    set_preference(person.id, "mention", "digest")
    [n] = notify([person.id], "mention", project, "Vous avez été mentionné", "/")
    n.created_at = datetime.combine(day, clock(12), PARIS)
    db.session.commit()


def _send_due_digest(app, now):
    with app.test_request_context(base_url="https://coopilote.example"):  # as the ticker does
        return send_due_digest(now=now)


def test_the_digest_of_the_previous_day_goes_out_once_after_its_hour(app, monkeypatch):
    project, people = project_with_roles()
    today = datetime.now(PARIS).date()
    _digest_notification(people["adviser"], project, today - timedelta(days=1))
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 1
    monkeypatch.setitem(app.config, "DIGEST_HOUR", "7")
    early = datetime.combine(today, clock(6, 59), PARIS)
    assert _send_due_digest(app, early) == 0 and read_outbox() == []
    later = datetime.combine(today, clock(7, 0), PARIS)
    assert _send_due_digest(app, later) == 1
    [mail] = read_outbox()
    assert mail["to"] == people["adviser"].email and "Résumé du" in mail["subject"]
    assert _send_due_digest(app, later + timedelta(hours=3)) == 0  # once a day
    assert len(read_outbox()) == 1


def test_the_digest_hour_off_leaves_it_to_cron(app, monkeypatch):
    project, people = project_with_roles()
    today = datetime.now(PARIS).date()
    _digest_notification(people["adviser"], project, today - timedelta(days=1))
    monkeypatch.setitem(app.config, "DIGEST_HOUR", "off")
    assert _send_due_digest(app, datetime.combine(today, clock(12), PARIS)) == 0
    result = app.test_cli_runner().invoke(args=["digest", "send"])  # default: yesterday
    assert "1 sent" in result.output, result.output


def _finished_job(user, status, days_ago: float) -> Job:
    job = Job(kind="backup.export", user_id=user.id, status=status)
    job.finished_at = utcnow() - timedelta(days=days_ago)
    db.session.add(job)
    db.session.commit()
    with new_file(job.id, "x.zip") as fh:
        fh.write(b"zip")
    return job


def test_old_jobs_and_their_files_are_forgotten(app, monkeypatch):
    from workspace.jobs.files import forget_old_jobs

    _project, people = project_with_roles()
    user = people["coordinator"]
    monkeypatch.setitem(app.config, "JOBS_KEEP_DAYS", "7")
    old = _finished_job(user, DONE, 8)
    failed = _finished_job(user, FAILED, 30)
    recent = _finished_job(user, DONE, 1)
    old_id, failed_id, recent_id = old.id, failed.id, recent.id
    orphan = job_dir(10**6)  # a job deleted with its project: its folder remains
    orphan.mkdir(parents=True)
    stale = time.time() - 7200
    os.utime(orphan, (stale, stale))
    fresh_orphan = job_dir(10**6 + 1)  # written just before its job's row is committed
    fresh_orphan.mkdir(parents=True)
    assert forget_old_jobs() == 2
    assert set(db.session.scalars(db.select(Job.id))) == {recent_id}
    assert not job_dir(old_id).exists() and not job_dir(failed_id).exists()
    assert (job_dir(recent_id) / "x.zip").read_bytes() == b"zip"
    assert not orphan.exists() and fresh_orphan.exists()


def test_a_file_is_whole_or_absent(app):
    job_id = 10**6 + 2
    try:
        with new_file(job_id, "half.zip") as fh:
            fh.write(b"part")
            raise OSError("disk full")
    except OSError:
        pass
    assert list(job_dir(job_id).iterdir()) == []


def test_under_rq_one_worker_at_a_time_holds_the_ticker():
    from redis import Redis

    from workspace.jobs.rq_backend import holds_lease

    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    key_before = periodic.LEASE_KEY
    periodic.LEASE_KEY = f"coopilote-test:ticker:{uuid.uuid4().hex}"
    try:
        first = holds_lease(redis, "worker-1", seconds=5)
        second = holds_lease(redis, "worker-2", seconds=5)
        assert first() and not second() and first()  # renewed by its holder
        redis.delete(periodic.LEASE_KEY)  # the holder gone (its lease ran out)
        assert second() and not first()
    finally:
        redis.delete(periodic.LEASE_KEY)
        periodic.LEASE_KEY = key_before


def test_a_serving_web_process_keeps_the_local_worker_running(app, client, monkeypatch):
    from workspace.jobs import local, relay, views

    started, relays = [], []
    monkeypatch.setattr(local, "ensure_local_worker", lambda: started.append(1))
    monkeypatch.setattr(relay, "start_relay", relays.append)
    monkeypatch.setattr(views, "_last_check", [float("-inf")])
    views._keep_local_worker()
    views._keep_local_worker()  # checked now and then, not on every request
    assert started == [1] and relays == [app]  # and the notices of its jobs are relayed


def test_the_local_worker_reads_and_writes_where_the_web_process_does(app, monkeypatch):
    """A server given its database or upload folder in code (not in the environment) starts a
    worker on the same ones (it once polled an empty default database)."""
    from workspace.jobs.local import _worker_env

    monkeypatch.delenv("WORKSPACE_DATABASE_URL", raising=False)
    monkeypatch.setitem(app.config, "UPLOAD_DIR", "/srv/coopilote/documents")
    env = _worker_env(app)
    assert env["WORKSPACE_DATABASE_URL"] == app.config["SQLALCHEMY_DATABASE_URI"]
    assert env["WORKSPACE_UPLOAD_DIR"] == "/srv/coopilote/documents"
    assert env["WORKSPACE_INSTANCE_PATH"] == app.instance_path


def test_without_redis_the_web_process_relays_the_notice_of_a_finished_job(app, socket_for):
    """The local worker's push reaches no tab (another process): the web process finds the
    job's notification and pushes it to its owner's tabs, once; other kinds are not its own."""
    from workspace.jobs.relay import latest_id, relay_once
    from workspace.notifications.center import Notification

    project, people = project_with_roles()
    owner = people["funder"]
    tab, other = socket_for(owner), socket_for(people["adviser"])
    after = latest_id()

    def written_by_the_worker(kind, user):
        n = Notification(user_id=user.id, project_id=project.id, kind=kind, channel="app")
        n.text, n.text_en, n.url = "Votre demande est prête : le bilan.", "Ready.", "/jobs/1"
        db.session.add(n)
        db.session.commit()  # no push: as in the worker process
        return n.id

    done_id = written_by_the_worker("job_done", owner)
    written_by_the_worker("mention", people["adviser"])
    assert tab.get_received() == []
    after = relay_once(after)
    [event] = [e for e in tab.get_received() if e["name"] == "personal"]
    assert event["args"][0] == {
        "type": "notification",
        "id": done_id,
        "text": "Votre demande est prête : le bilan.",
        "url": "/jobs/1",
    }
    assert other.get_received() == []  # another person's, another kind: not relayed
    assert relay_once(after) == after and tab.get_received() == []  # once
