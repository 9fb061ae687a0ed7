"""Background jobs in tests: the queue is run explicitly (``JOBS_SPAWN_WORKER`` is off), so a
test sees the request answer before the work is done, then runs the work."""

from __future__ import annotations

import re

from workspace.jobs.local import run_pending


def run_jobs() -> int:
    """Run every queued job in this process; how many ran."""
    return run_pending()


def generate_report(client, project, period: str = "2026", fmt: str = "pdf", htmx=False):
    """Ask for a report, run the job, and answer what the person then gets: without htmx, the
    file downloaded from the job's page; with htmx, the job's fragment once done. A refused
    request's own answer is returned as is."""
    headers = {"HX-Request": "true"} if htmx else {}
    r = client.post(
        f"/projects/{project.id}/dashboard/reports/generate",
        data={"period": period, "format": fmt},
        headers=headers,
    )
    if r.status_code not in (202, 303):
        return r
    assert run_jobs() == 1
    if htmx:
        job_id = re.search(r'id="job-(\d+)"', r.text).group(1)
        return client.get(f"/jobs/{job_id}", headers=headers)
    page = client.get(r.headers["Location"])
    assert page.status_code == 200, page.text
    link = re.search(r'href="(/projects/\d+/files/\d+)"', page.text)
    assert link, page.text
    return client.get(link.group(1))


def job_file(client, url: str):
    """POST ``url`` (which queues a job making a file), run the job and download the file
    from the job's page; a refused request's own answer is returned as is."""
    r = client.post(url)
    if r.status_code != 303:
        return r
    assert run_jobs() == 1
    page = client.get(r.headers["Location"])
    assert page.status_code == 200, page.text
    link = re.search(r'href="(/jobs/\d+/file)"', page.text)
    assert link, page.text
    return client.get(link.group(1))


def prepare_backup(client, project):
    """A project's full backup, as its coordinator gets it (:func:`job_file`)."""
    return job_file(client, f"/projects/{project.id}/backup.zip")


def export_xlsx(client, project):
    """The indicators workbook, as a member gets it (:func:`job_file`)."""
    return job_file(client, f"/projects/{project.id}/indicators/export.xlsx")
