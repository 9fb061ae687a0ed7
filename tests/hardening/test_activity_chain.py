"""The tamper-evident activity log: `activity verify` names the first altered or removed entry."""

from __future__ import annotations

from sqlalchemy import select, update

from tests.hardening.world import demo_world
from workspace.extensions import db
from workspace.models import Activity


def _verify(app, pid):
    return app.test_cli_runner().invoke(args=["activity", "verify", "--project", str(pid)])


def test_tampered_summary_reports_its_id(app):
    world = demo_world()
    pid = world.project.id
    ok = _verify(app, pid)
    assert ok.exit_code == 0 and "OK" in ok.output
    ids = db.session.scalars(select(Activity.id).filter_by(project_id=pid).order_by(Activity.id))
    ids = list(ids)
    assert len(ids) > 10
    victim = ids[len(ids) // 2]
    db.session.execute(update(Activity).where(Activity.id == victim).values(summary="rien"))
    db.session.commit()
    result = _verify(app, pid)
    assert result.exit_code == 1 and f"entry {victim} " in result.output


def test_removed_entry_breaks_the_next_link(app):
    world = demo_world()
    pid = world.project.id
    ids = list(
        db.session.scalars(select(Activity.id).filter_by(project_id=pid).order_by(Activity.id))
    )
    db.session.execute(Activity.__table__.delete().where(Activity.id == ids[3]))
    db.session.commit()
    result = _verify(app, pid)
    assert result.exit_code == 1 and f"entry {ids[4]} " in result.output
