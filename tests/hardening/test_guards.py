"""Protections that no other test caught when removed (found by scripts/protection_check.py):
a deactivated account loses its sessions even without an epoch bump, downloads are sandboxed,
the stored link of the activity chain is checked, templates escape what people typed."""

from __future__ import annotations

import io

from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from tests.factories import create_user, project_with_roles
from tests.hardening.world import demo_world
from workspace.extensions import db
from workspace.models import Activity
from workspace.web.uploads import store_upload

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
XSS = '<script>alert("coop")</script>'


def test_deactivated_account_loses_its_session_even_without_an_epoch_bump(login_as):
    user = create_user()
    client = login_as(user)
    assert client.get("/profile").status_code == 200
    db.session.execute(update(type(user)).where(type(user).id == user.id).values(active=False))
    db.session.commit()
    r = client.get("/profile")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_download_is_a_sandboxed_attachment(login_as):
    project, people = project_with_roles()
    stored = store_upload(project, FileStorage(io.BytesIO(PDF), "lettre.pdf"), people["director"])
    db.session.commit()
    r = login_as(people["funder"]).get(f"/projects/{project.id}/files/{stored.id}")
    assert r.status_code == 200 and r.data == PDF
    assert r.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_tampered_stored_link_of_the_chain_is_reported(app):
    """Rewriting an entry's ``prev_hash`` alone (its own hash still verifies) breaks the chain."""
    pid = demo_world().project.id
    ids = list(
        db.session.scalars(select(Activity.id).filter_by(project_id=pid).order_by(Activity.id))
    )
    victim = ids[5]
    db.session.execute(update(Activity).where(Activity.id == victim).values(prev_hash="0" * 64))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["activity", "verify", "--project", str(pid)])
    assert result.exit_code == 1 and f"entry {victim} " in result.output


def test_what_people_type_is_escaped_in_pages(login_as):
    project, people = project_with_roles(name=f"Projet {XSS}")
    client = login_as(people["coordinator"])
    for path in ("/", f"/projects/{project.id}/", f"/projects/{project.id}/members"):
        html = client.get(path, follow_redirects=True).text
        assert XSS not in html, path
        assert "&lt;script&gt;alert(" in html, path
