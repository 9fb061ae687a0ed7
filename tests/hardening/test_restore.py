"""Restoring a backup from the site administration (issue 20): the administrator sends the
file, the request answers at once, the job worker checks and imports it; a refused file
imports nothing and says why in French; only site administrators may."""

from __future__ import annotations

import io
import re
import zipfile

from tests.hardening.world import demo_world
from tests.jobs import run_jobs
from workspace.backup.export import export_archive
from workspace.extensions import db
from workspace.jobs import DONE, FAILED, Job
from workspace.jobs.files import job_dir
from workspace.models import Project


def _projects() -> int:
    return db.session.scalar(db.select(db.func.count(Project.id)))


def _send(client, body: bytes, name="projet.zip"):
    return client.post(
        "/admin/restore",
        data={"backup": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def _last_job() -> Job:
    db.session.rollback()  # read what the worker wrote
    return db.session.scalar(db.select(Job).order_by(Job.id.desc()))


def test_an_administrator_restores_a_backup_through_the_worker(login_as):
    world = demo_world()
    archive = export_archive(world.project.id)
    admin = login_as(world.people["admin"])
    page = admin.get("/admin/restore")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    before = _projects()
    r = _send(admin, archive)
    assert r.status_code == 303 and re.fullmatch(r"/jobs/\d+", r.headers["Location"])
    assert _projects() == before  # nothing imported while the request answered
    job = _last_job()
    assert (job.kind, job.status, job.params) == ("backup.import", "queued", {"name": "projet.zip"})
    assert (job_dir(job.id) / "backup.upload").read_bytes() == archive
    assert run_jobs() == 1
    job = _last_job()
    assert job.status == DONE and _projects() == before + 1
    restored = db.session.get(Project, job.result["project"]["id"])
    assert restored.name == world.project.name and restored.id != world.project.id
    assert not (job_dir(job.id) / "backup.upload").exists()  # imported: the upload is dropped
    shown = admin.get(r.headers["Location"])
    assert f"Projet « {world.project.name} » restauré" in shown.text
    listed = admin.get("/admin/restore")
    assert "Vos dernières restaurations" in listed.text and "projet.zip" in listed.text


def test_a_refused_backup_imports_nothing_and_says_why(login_as):
    world = demo_world()
    admin = login_as(world.people["admin"])
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("files/1", b"no project.json")
    before = _projects()
    assert _send(admin, broken.getvalue()).status_code == 303
    assert run_jobs() == 1
    job = _last_job()
    assert job.status == FAILED and _projects() == before
    assert job.error.startswith("Sauvegarde refusée, rien n'a été importé")
    assert not (job_dir(job.id) / "backup.upload").exists()
    assert job.attempts == 1  # a refused file is not tried again


def test_a_wrong_file_is_refused_next_to_the_field(login_as):
    world = demo_world()
    admin = login_as(world.people["admin"])
    r = admin.post("/admin/restore", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and "Choisissez le fichier de sauvegarde" in r.text
    assert 'aria-invalid="true"' in r.text
    r = _send(admin, b"%PDF-1.7 not a backup", "bilan.pdf")
    assert r.status_code == 400 and "pas une sauvegarde de Coopilote" in r.text
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 0


def test_only_site_administrators_restore(login_as):
    world = demo_world()
    archive = export_archive(world.project.id)
    for who in ("coordinator", "director", "adviser", "evaluator", "funder", "outsider"):
        client = login_as(world.people[who])
        assert client.get("/admin/restore").status_code == 403
        assert _send(client, archive).status_code == 403
    assert login_as(None).get("/admin/restore").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 0
    # Asked by an administrator who is no longer one when the worker gets to it.
    admin = world.people["admin"]
    assert _send(login_as(admin), archive).status_code == 303
    admin.is_admin = False
    db.session.commit()
    before = _projects()
    assert run_jobs() == 1
    job = _last_job()
    assert job.status == FAILED and "Seul un administrateur" in job.error and _projects() == before
