"""workspace.cache.memo: once per request, forgotten after any write and at the request's end."""

from __future__ import annotations

from workspace.cache.memo import per_request
from workspace.extensions import db
from workspace.models import Organisation

calls: list[int] = []


@per_request
def organisation_count(kind: str) -> int:
    calls.append(1)
    return db.session.scalar(db.select(db.func.count()).select_from(Organisation))


def test_computed_once_per_request_and_arguments(app):
    calls.clear()
    with app.test_request_context("/"):
        assert organisation_count("a") == organisation_count("a")
        organisation_count("b")
        assert len(calls) == 2
    with app.test_request_context("/"):
        organisation_count("a")
        assert len(calls) == 3  # a new request computes again


def test_a_flush_or_a_write_statement_forgets(app):
    calls.clear()
    with app.test_request_context("/"):
        before = organisation_count("a")
        db.session.add(Organisation(name="Nouvelle association"))
        db.session.flush()
        assert organisation_count("a") == before + 1
        db.session.execute(
            db.delete(Organisation).where(Organisation.name == "Nouvelle association")
        )
        assert organisation_count("a") == before
        assert len(calls) == 3
        db.session.rollback()


def test_outside_a_request_nothing_is_kept(app):
    calls.clear()
    organisation_count("a")
    organisation_count("a")
    assert len(calls) == 2
