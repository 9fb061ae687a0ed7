"""The plan in a project backup: sections, text and versions come back, the versions and the
activity renumbered to the new sections; a malformed version is refused."""

from __future__ import annotations

import pytest

from plugins.plan import crdt
from plugins.plan import operations as ops
from plugins.plan import versions as v
from plugins.plan.models import PlanSection, PlanVersion
from workspace.backup.export import BackupError, export_archive
from workspace.backup.importer import import_project, read_archive
from workspace.extensions import db
from workspace.models import Activity

from .conftest import Editor


def _exported(plan):
    project, people, sections = plan
    ed = Editor()
    crdt.apply_update(sections[0].id, None, ed.type(0, "Texte sauvegardé"))
    ops.record_edit(sections[0], people["director"])  # activity naming the section
    v.save_version(project, people["director"], "Version signée")
    db.session.commit()
    return read_archive(export_archive(project.id))


def test_a_restored_project_has_its_plan_text_and_versions(plan):
    data, files = _exported(plan)
    new_pid, maps = import_project(data, files)
    crdt.forget()
    first = db.session.scalar(
        db.select(PlanSection).filter_by(project_id=new_pid).order_by(PlanSection.position)
    )
    assert first.title == "Contexte et besoins"
    assert "".join(b.text for b in crdt.current_blocks(first.id)) == "Texte sauvegardé"
    version = db.session.scalar(db.select(PlanVersion).filter_by(project_id=new_pid))
    assert version.snapshot[0]["section"] == first.id  # renumbered
    assert set(maps["plan_section"].values()) == {e["section"] for e in version.snapshot}
    edited = db.session.scalar(
        db.select(Activity).filter_by(project_id=new_pid, verb="plan:edited")
    )
    assert edited.object_id == first.id


@pytest.mark.parametrize("snapshot", ["pas une liste", [1, 2], [{"section": None}, "x"]])
def test_a_malformed_version_is_refused(plan, snapshot):
    data, files = _exported(plan)
    data["tables"]["plan_version"][0]["snapshot"] = snapshot
    with pytest.raises(BackupError, match="snapshot must be a list of objects"):
        import_project(data, files)
