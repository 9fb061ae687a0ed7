"""Named versions: saved by directors, shown and compared to anyone in the project, restored
into the sections (open editors receive the restored text), each step in the activity log."""

from __future__ import annotations

import pytest

from plugins.plan import crdt
from plugins.plan import versions as v
from plugins.plan.models import PlanVersion, Status
from tests.conftest import WHO, client_for
from workspace.extensions import db
from workspace.models import Activity, count

from .conftest import Editor


def _write(section, words: str, editor: Editor | None = None) -> Editor:
    editor = editor or Editor()
    crdt.apply_update(section.id, None, editor.type(editor.end, words))
    db.session.commit()
    return editor


def _text(section) -> str:
    return "\n".join(b.text for b in crdt.current_blocks(section.id))


def test_save_compare_and_restore(plan, login_as, socket_for):
    project, people, sections = plan
    first, second = sections[0], sections[1]
    alice = _write(first, "Trois services isolés.")
    _write(second, "Une astreinte commune.")
    c = login_as(people["director"])
    base = f"/projects/{project.id}/plan/versions"
    assert c.post(base, data={"name": "Version soumise au Pôle"}).status_code == 302
    version = db.session.scalar(db.select(PlanVersion))
    assert (
        version.name == "Version soumise au Pôle" and version.created_by_id == people["director"].id
    )
    assert version.snapshot[0]["blocks"] == [["p", [["Trois services isolés.", {}]]]]
    _write(first, " Trois services qui coopèrent.", alice)
    # The comparison shows the words added, section by section.
    page = login_as(people["funder"]).get(f"{base}/compare?from={version.id}&to=current").text
    assert "<ins> Trois services qui coopèrent.</ins>" in page and "Modifiée" in page
    assert "Inchangée" in page  # the second section
    # An editor has the section open while a director restores the version.
    sc = socket_for(people["coordinator"])
    ack = sc.emit(
        "plan:join",
        {"project": project.id, "section": first.id, "sv": alice.state_vector},
        callback=True,
    )
    assert ack["ok"]
    sc.get_received()
    assert c.post(f"{base}/{version.id}/restore").status_code == 302
    crdt.forget()
    assert _text(first) == "Trois services isolés."
    (msg,) = [m["args"][0] for m in sc.get_received() if m["name"] == "plan:update"]
    alice.receive(msg["update"])
    assert str(alice) == "Trois services isolés.\n"
    verbs = db.session.scalars(
        db.select(Activity.verb).where(Activity.verb.like("plan:version%")).order_by(Activity.id)
    ).all()
    assert verbs == ["plan:version_saved", "plan:version_saved", "plan:version_restored"]
    kept = db.session.scalar(db.select(PlanVersion).order_by(PlanVersion.id.desc()))
    assert kept.name == "Avant la restauration de « Version soumise au Pôle »"
    assert kept.snapshot[0]["blocks"][0][1][0][0].endswith("Trois services qui coopèrent.")


def test_restore_skips_validated_sections_and_says_so(plan, login_as):
    project, people, sections = plan
    editor = _write(sections[0], "Avant.")
    version = v.save_version(project, people["director"], "V1")
    db.session.commit()
    _write(sections[0], " Après.", editor)
    sections[0].status = Status.VALIDATED.value
    db.session.commit()
    c = login_as(people["director"])
    c.post(f"/projects/{project.id}/plan/versions/{version.id}/restore")
    assert _text(sections[0]) == "Avant. Après."
    page = c.get(f"/projects/{project.id}/plan/").text
    assert "sauf : Contexte et besoins" in page


def test_a_version_shows_its_text_and_compares_with_another(plan, login_as):
    project, people, sections = plan
    _write(sections[2], "<script>x</script> premier jet")
    one = v.save_version(project, people["director"], "Premier jet")
    db.session.commit()
    crdt.replace_text(sections[2].id, [], None)
    db.session.commit()
    two = v.save_version(project, people["director"], "Version signée")
    db.session.commit()
    c = login_as(people["evaluator"])
    page = c.get(f"/projects/{project.id}/plan/versions/{one.id}").text
    assert "&lt;script&gt;x&lt;/script&gt; premier jet" in page and "<script>x" not in page
    page = c.get(f"/projects/{project.id}/plan/versions/compare?from={one.id}&to={two.id}").text
    assert "<del>&lt;script&gt;x&lt;/script&gt; premier jet</del>" in page


def test_the_diff_reports_added_and_removed_sections():
    old = [{"section": 1, "title": "A", "status": "draft", "blocks": [["p", [["un", {}]]]]}]
    new = [{"section": 2, "title": "B", "status": "draft", "blocks": [["p", [["deux", {}]]]]}]
    result = v.compare(old, new)
    assert [(s["title"], s["status"]) for s in result] == [("B", "added"), ("A", "removed")]
    assert result[0]["diff"] == [("+", "deux")]


def test_a_bad_version_name_is_shown_back(plan, login_as):
    project, people, _sections = plan
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/plan/versions", data={"name": " "}
    )
    assert r.status_code == 400 and "Ce champ est obligatoire." in r.text
    assert count(db.select(PlanVersion)) == 0


@pytest.mark.parametrize("who", WHO)
def test_version_permissions(plan, login_as, who):
    project, people, _sections = plan
    version = v.save_version(project, people["director"], "V1")
    db.session.commit()
    c = client_for(who, people, login_as)
    base = f"/projects/{project.id}/plan/versions"
    readers = {"coordinator", "director", "adviser", "evaluator", "funder"}
    writers = {"coordinator", "director"}
    for url in (base, f"{base}/{version.id}", f"{base}/compare?from={version.id}"):
        r = c.get(url)
        assert (r.status_code == 200) == (who in readers), (url, r.status_code)
    r = c.post(base, data={"name": "V2"})
    assert (r.status_code == 302 and "/login" not in r.headers["Location"]) == (who in writers)
    r = c.post(f"{base}/{version.id}/restore")
    assert (r.status_code == 302 and "/login" not in r.headers["Location"]) == (who in writers)
    expected = 1 + 3 * (who in writers)  # V1, then V2, the plan kept before restoring, restored
    assert count(db.select(Activity).where(Activity.verb.like("plan:version%"))) == expected


def test_a_version_of_another_project_is_not_found(plan, login_as):
    from tests.factories import project_with_roles

    project, people, _sections = plan
    other, other_people = project_with_roles()
    foreign = v.save_version(other, other_people["director"], "Ailleurs")
    db.session.commit()
    c = login_as(people["director"])
    assert c.get(f"/projects/{project.id}/plan/versions/{foreign.id}").status_code == 404
    assert c.post(f"/projects/{project.id}/plan/versions/{foreign.id}/restore").status_code == 404
    assert (
        c.get(f"/projects/{project.id}/plan/versions/compare?from={foreign.id}").status_code == 404
    )
