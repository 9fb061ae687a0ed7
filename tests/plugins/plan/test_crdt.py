"""The merge and persistence layer: updates merge in any order, survive a restart of the
process, are folded into the stored state, and a bad update changes nothing."""

from __future__ import annotations

import pytest

from plugins.plan import crdt
from plugins.plan.models import PlanContent, PlanUpdate
from workspace.extensions import db
from workspace.models import count

from .conftest import Editor


def _stored_text(section_id: int) -> str:
    crdt.forget(section_id)  # as another process, or after a restart, would read it
    return "\n".join(b.text for b in crdt.current_blocks(section_id))


def test_concurrent_edits_merge_and_persist(plan):
    _project, people, sections = plan
    section = sections[0]
    alice, bob = Editor(), Editor()
    crdt.apply_update(
        section.id, people["director"].id, alice.type(0, "Les besoins du territoire.")
    )
    crdt.apply_update(section.id, people["coordinator"].id, bob.type(0, "Deux SSIAD. "))
    db.session.commit()
    assert count(db.select(PlanUpdate)) == 2
    text = _stored_text(section.id)
    assert "Les besoins du territoire." in text and "Deux SSIAD." in text
    update, _sv = crdt.missing_for(section.id, alice.state_vector)
    alice.receive(update)
    update, _sv = crdt.missing_for(section.id, bob.state_vector)
    bob.receive(update)
    assert str(alice) == str(bob) == text


def test_updates_applied_twice_or_out_of_order_change_nothing(plan):
    _project, _people, sections = plan
    sid = sections[0].id
    alice = Editor()
    first = alice.type(0, "abc")
    second = alice.type(3, "def")
    crdt.apply_update(sid, None, second)  # before the one it follows: kept pending
    crdt.apply_update(sid, None, first)
    crdt.apply_update(sid, None, first)
    db.session.commit()
    assert _stored_text(sid) == "abcdef"


def test_an_update_merged_into_a_copy_replaced_before_it_is_stored_is_not_lost(plan):
    """Relayed between its merge and its row: meanwhile the copy may be dropped and read
    again (without it). The row is then taken from the database, not marked as merged."""
    _project, _people, sections = plan
    sid = sections[0].id
    alice = Editor()
    crdt.apply_update(sid, None, alice.type(0, "Avant. "))
    db.session.commit()
    merged = crdt.merge(sid, alice.type(alice.end, "Pendant."))
    crdt.forget(sid)
    assert "Pendant." not in "".join(b.text for b in crdt.current_blocks(sid))  # a new copy
    crdt.store(sid, None, merged)
    db.session.commit()
    assert "".join(b.text for b in crdt.current_blocks(sid)) == "Avant. Pendant."
    assert _stored_text(sid) == "Avant. Pendant."


def test_compaction_folds_updates_into_the_state(plan, monkeypatch):
    _project, people, sections = plan
    sid = sections[0].id
    monkeypatch.setattr(crdt, "COMPACT_EVERY", 5)
    alice = Editor()
    rows = [
        crdt.apply_update(sid, people["director"].id, alice.type(alice.end, f"{n} ")).id
        for n in range(12)
    ]
    db.session.commit()
    content = db.session.get(PlanContent, sid)
    assert count(db.select(PlanUpdate)) == 2  # 12 updates, folded at 5 and 10
    assert content.last_update_id == rows[9] and content.state
    assert content.text.startswith("0 1 2 3 4 5 6 7 8 9")  # derived when folded
    assert _stored_text(sid) == str(alice)


def test_another_process_catches_up_after_a_compaction(plan, monkeypatch):
    """Process A keeps its copy; process B writes and compacts: A sees everything."""
    _project, _people, sections = plan
    sid = sections[0].id
    alice = Editor()
    crdt.apply_update(sid, None, alice.type(0, "A"))
    db.session.commit()
    kept = crdt._documents[sid]  # process A's copy
    crdt.forget()
    monkeypatch.setattr(crdt, "COMPACT_EVERY", 2)
    crdt.apply_update(sid, None, alice.type(1, "B"))  # process B: compacts at 2 updates
    db.session.commit()
    crdt.apply_update(sid, None, alice.type(2, "C"))
    db.session.commit()
    crdt._documents[sid] = kept  # back to process A, which never saw B or C
    assert "".join(b.text for b in crdt.current_blocks(sid)) == "ABC"


@pytest.mark.parametrize(
    "bad, why",
    [
        (b"", "not a binary update"),
        ("du texte", "not a binary update"),
        (b"\x01\x02\x03garbage-that-is-not-yjs", "malformed"),
        (b"\x00" * (crdt.MAX_UPDATE + 1), "bytes"),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(plan, bad, why):
    _project, people, sections = plan
    sid = sections[0].id
    alice = Editor()
    crdt.apply_update(sid, None, alice.type(0, "Texte sûr."))
    db.session.commit()
    with pytest.raises(crdt.UpdateRefused) as refused:
        crdt.apply_update(sid, people["director"].id, bad)
    assert why in refused.value.reason
    db.session.rollback()
    assert count(db.select(PlanUpdate)) == 1
    assert _stored_text(sid) == "Texte sûr."


def test_an_update_writing_beside_the_text_is_refused(plan):
    from pycrdt import Doc, Map

    _project, _people, sections = plan
    sid = sections[0].id
    hostile = Doc()
    hostile.get("elsewhere", type=Map)["x"] = 1
    with pytest.raises(crdt.UpdateRefused):
        crdt.apply_update(sid, None, hostile.get_update())
    db.session.rollback()
    assert count(db.select(PlanUpdate)) == 0


def test_a_full_section_refuses_more(plan, monkeypatch):
    _project, _people, sections = plan
    sid = sections[0].id
    monkeypatch.setattr(crdt, "MAX_DOCUMENT", 200)
    alice = Editor()
    crdt.apply_update(sid, None, alice.type(0, "x" * 100))
    with pytest.raises(crdt.UpdateRefused) as refused:
        crdt.apply_update(sid, None, alice.type(100, "y" * 150))
    assert refused.value.reason == "document full"


def test_replace_text_writes_one_update_that_editors_receive(plan):
    from plugins.plan.render import Block

    _project, _people, sections = plan
    sid = sections[0].id
    alice = Editor()
    crdt.apply_update(sid, None, alice.type(0, "Ancien texte"))
    update = crdt.replace_text(
        sid, [Block("h3", [("Titre", {})]), Block("p", [("Nouveau", {"bold": True})])], None
    )
    db.session.commit()
    alice.receive(update)
    assert str(alice) == "Titre\nNouveau\n"
    assert [(b.kind, b.text) for b in crdt.current_blocks(sid)] == [
        ("h3", "Titre"),
        ("p", "Nouveau"),
    ]
