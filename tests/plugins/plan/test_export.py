"""The plan as DOCX and PDF: read back with python-docx and pdftotext, formats, French
typography, a saved version, every visitor."""

from __future__ import annotations

import io
import subprocess

import pytest

from plugins.plan import crdt
from plugins.plan import versions as v
from tests.conftest import WHO, client_for
from workspace.extensions import db

from .conftest import Editor


def _fill(sections):
    ed = Editor()
    crdt.apply_update(sections[0].id, None, ed.type(0, "Constat : trois services isolés."))
    crdt.apply_update(sections[0].id, None, ed.type(ed.end, " Essentiel", {"bold": True}))
    crdt.apply_update(sections[0].id, None, ed.type(ed.end, "\n"))
    crdt.apply_update(sections[0].id, None, ed.type(ed.end, "Une astreinte"))
    crdt.apply_update(sections[0].id, None, ed.type(ed.end, "\n", {"list": "bullet"}))
    db.session.commit()


def _pdf_text(body: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    )
    return out.stdout.decode()


def test_docx_has_the_plan_with_its_formats(plan, login_as):
    from docx import Document

    project, people, sections = plan
    _fill(sections)
    r = login_as(people["funder"]).get(f"/projects/{project.id}/plan/export.docx")
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    assert f'filename="plan-projet-{project.id}-' in r.headers["Content-Disposition"]
    doc = Document(io.BytesIO(r.data))
    texts = [p.text for p in doc.paragraphs]
    assert project.name in texts and "1. Contexte et besoins" in texts
    assert "Constat\u202f: trois services isolés. Essentiel" in texts  # French typography
    bold = [run.text for p in doc.paragraphs for run in p.runs if run.bold]
    assert " Essentiel" in bold
    bullet = next(p for p in doc.paragraphs if p.text == "Une astreinte")
    assert bullet.style.name == "List Bullet"
    assert any("Version de travail" in t for t in texts)
    assert "Pas encore de texte." in texts  # the sections nobody wrote yet


def test_pdf_reads_back(plan, login_as):
    project, people, sections = plan
    _fill(sections)
    r = login_as(people["adviser"]).get(f"/projects/{project.id}/plan/export.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = _pdf_text(r.data)
    assert "Plan de projet" in text and project.name in text
    assert "Contexte et besoins" in text and "trois services isolés" in text
    assert "Une astreinte" in text and "Méthode d'évaluation" in text


def test_a_saved_version_exports_its_own_text(plan, login_as):
    project, people, sections = plan
    _fill(sections)
    version = v.save_version(project, people["director"], "Version signée")
    db.session.commit()
    crdt.replace_text(sections[0].id, [], None)
    db.session.commit()
    c = login_as(people["director"])
    body = c.get(f"/projects/{project.id}/plan/export.pdf?version={version.id}").data
    text = _pdf_text(body)
    assert "Version signée" in text and "trois services isolés" in text
    now = _pdf_text(c.get(f"/projects/{project.id}/plan/export.pdf").data)
    assert "trois services isolés" not in now
    assert c.get(f"/projects/{project.id}/plan/export.pdf?version=999999").status_code == 404
    assert c.get(f"/projects/{project.id}/plan/export.odt").status_code == 404


def test_hostile_text_stays_text(plan, login_as):
    from docx import Document

    project, people, sections = plan
    ed = Editor()
    hostile = '<img src=x onerror=alert(1)> \x07 <a href="javascript:x">y</a>'
    crdt.apply_update(sections[0].id, None, ed.type(0, hostile, {"link": "javascript:alert(1)"}))
    db.session.commit()
    c = login_as(people["director"])
    doc = Document(io.BytesIO(c.get(f"/projects/{project.id}/plan/export.docx").data))
    joined = "\n".join(p.text for p in doc.paragraphs)
    assert "<img src=x onerror=alert(1)>" in joined  # as text
    assert "(javascript:alert(1))" not in joined  # an unsafe link is not kept
    assert "<img src=x" in _pdf_text(c.get(f"/projects/{project.id}/plan/export.pdf").data)


@pytest.mark.parametrize("who", WHO)
def test_export_permissions(plan, login_as, who):
    project, people, _sections = plan
    r = client_for(who, people, login_as).get(f"/projects/{project.id}/plan/export.docx")
    readers = {"coordinator", "director", "adviser", "evaluator", "funder"}
    assert (r.status_code == 200) == (who in readers)
