"""Changes reach the other people on the project after the commit, and only then."""

from __future__ import annotations

from tests.plugins.checklists.conftest import HX


def notices(sc, type_=None):
    out = [m["args"][0] for m in sc.get_received() if m["name"] == "notice"]
    return [n for n in out if type_ is None or n["type"] == type_]


def test_second_client_receives_the_status_change(cl, login_as, socket_for):
    project, people, items = cl
    item = items[0]
    watcher = socket_for(people["funder"], project)
    r = login_as(people["director"]).post(
        f"/projects/{project.id}/checklists/items/{item.id}/status",
        data={"status": "fait", "version": item.version},
        headers=HX,
    )
    assert r.status_code == 200
    got = notices(watcher, "item:updated")
    assert len(got) == 1
    notice = got[0]
    assert notice["keys"] == [f"item:{item.id}"]
    assert notice["by"] == people["director"].id and notice["status"] == "fait"
    assert notice["url"] == f"/projects/{project.id}/checklists/items/{item.id}"
    assert "Fait" in notice["summary"]["fr"] and "Done" in notice["summary"]["en"]


def test_nothing_is_sent_after_a_refused_change(cl, login_as, socket_for, emitted):
    project, people, items = cl
    watcher = socket_for(people["adviser"], project)
    client = login_as(people["director"])
    base = f"/projects/{project.id}/checklists/items/{items[0].id}"
    client.post(f"{base}/status", data={"status": "non_applicable", "version": 1}, headers=HX)
    client.post(f"{base}/status", data={"status": "fait", "version": 7}, headers=HX)
    client.post(base, data={"label": "", "status": "fait", "version": 1}, headers=HX)
    assert notices(watcher) == [] and emitted == []


def test_structure_changes_carry_the_section_key(cl, login_as, socket_for):
    project, people, items = cl
    section_id = items[0].section_id
    watcher = socket_for(people["evaluator"], project)
    client = login_as(people["director"])
    client.post(
        f"/projects/{project.id}/checklists/sections/{section_id}/new",
        data={"label": "Nouveau", "status": "a_faire"},
        headers=HX,
    )
    client.post(
        f"/projects/{project.id}/checklists/items/{items[0].id}/move",
        data={"direction": "down"},
        headers=HX,
    )
    client.post(f"/projects/{project.id}/checklists/items/{items[1].id}/delete", headers=HX)
    got = notices(watcher)
    assert [n["type"] for n in got] == ["item:created", "item:moved", "item:deleted"]
    assert all(f"section:{section_id}" in n["keys"] for n in got)


def test_verification_is_announced(cl, login_as, socket_for):
    project, people, items = cl
    watcher = socket_for(people["director"], project)
    login_as(people["adviser"]).post(
        f"/projects/{project.id}/checklists/items/{items[0].id}/verify",
        data={"verified": "1"},
        headers=HX,
    )
    got = notices(watcher, "item:verified")
    assert len(got) == 1 and "vérifié par le Pôle" in got[0]["summary"]["fr"]
