"""Editing items: statuses, fields, reordering, removal, verification and bad input."""

from __future__ import annotations

import pytest

from plugins.checklists import operations, queries
from plugins.checklists.models import Item, Setup
from tests.plugins.checklists.conftest import HX, reload
from workspace.extensions import db
from workspace.models import Activity, count


def url(project, path=""):
    return f"/projects/{project.id}/checklists{path}"


def activity_count(project):
    return count(db.select(Activity).filter_by(project_id=project.id))


def test_quick_status_change_returns_the_row_and_the_progress(cl, login_as):
    project, people, items = cl
    item = items[0]
    r = login_as(people["director"]).post(
        url(project, f"/items/{item.id}/status"),
        data={"status": "fait", "version": item.version},
        headers=HX,
    )
    assert r.status_code == 200
    assert f'id="item-{item.id}"' in r.text and 'hx-swap-oob="true"' in r.text
    assert "coop:toast" in r.headers["HX-Trigger"]
    item = reload(item)
    assert item.status == "fait" and item.version == 2
    assert item.changed_by_id == people["director"].id and item.changed_at is not None
    entry = db.session.scalar(db.select(Activity).order_by(Activity.id.desc()))
    assert entry.verb == "item:updated" and "Fait" in entry.summary


@pytest.mark.parametrize("status", ["termine", "", "FAIT", "<script>"])
def test_unknown_status_is_refused(status, cl, login_as):
    project, people, items = cl
    before = activity_count(project)
    r = login_as(people["director"]).post(
        url(project, f"/items/{items[0].id}/status"),
        data={"status": status, "version": items[0].version},
        headers=HX,
    )
    assert r.status_code == 400
    assert "Statut inconnu" in r.text
    assert reload(items[0]).status == "a_faire" and activity_count(project) == before


def test_non_applicable_needs_a_justification(cl, login_as):
    project, people, items = cl
    client = login_as(people["director"])
    item = items[1]
    r = client.post(
        url(project, f"/items/{item.id}/status"),
        data={"status": "non_applicable", "justification": "   ", "version": item.version},
        headers=HX,
    )
    assert r.status_code == 400
    assert "« Non applicable » demande une courte justification." in r.text
    assert r.headers["HX-Retarget"] == "#dialogs"
    assert reload(item).status == "a_faire"
    r = client.post(
        url(project, f"/items/{item.id}/status"),
        data={"status": "non_applicable", "justification": "Sans objet ici", "version": 1},
        headers=HX,
    )
    assert r.status_code == 200
    item = reload(item)
    assert (item.status, item.justification) == ("non_applicable", "Sans objet ici")
    # Leaving "non applicable" forgets the justification.
    client.post(url(project, f"/items/{item.id}/status"), data={"status": "fait", "version": 2})
    assert reload(item).justification == ""


def test_stale_version_is_a_conflict_and_changes_nothing(cl, login_as):
    project, people, items = cl
    item = items[0]
    operations.set_status(item, people["coordinator"], "en_cours")
    db.session.commit()
    before = activity_count(project)
    r = login_as(people["director"]).post(
        url(project, f"/items/{item.id}/status"), data={"status": "fait", "version": 1}, headers=HX
    )
    assert r.status_code == 409
    assert "Conflit de modification" in r.text
    assert reload(item).status == "en_cours" and activity_count(project) == before


def test_missing_or_malformed_version_is_400(cl, login_as):
    project, people, items = cl
    client = login_as(people["director"])
    for version in (None, "abc"):
        data = {"status": "fait"} | ({"version": version} if version else {})
        r = client.post(url(project, f"/items/{items[0].id}/status"), data=data)
        assert r.status_code == 400
    assert reload(items[0]).status == "a_faire"


def _edit(client, project, item, **fields):
    data = {"label": item.label, "status": item.status, "version": item.version} | fields
    return client.post(url(project, f"/items/{item.id}"), data=data, headers=HX)


def test_edit_all_fields(cl, login_as):
    project, people, items = cl
    item, karim = items[2], people["director"]
    r = _edit(
        login_as(karim),
        project,
        item,
        label="Comparer les formes de coopération",
        help="**Important** <script>alert(1)</script>",
        status="en_cours",
        responsible_org_id=karim.organisation_id,
        responsible_id=karim.id,
        due_date="2026-12-15",
        evidence_url="https://exemple.org/comparatif",
        note="À revoir avec le Pôle",
        agreement="y",
    )
    assert r.status_code == 200, r.text
    assert r.headers["HX-Retarget"] == f"#item-{item.id}"
    assert "checklists:saved" in r.headers["HX-Trigger"]
    item = reload(item)
    assert item.label == "Comparer les formes de coopération" and item.label_en == ""
    assert item.status == "en_cours" and item.responsible_id == karim.id
    assert item.responsible_org_id == karim.organisation_id
    assert item.due_date.isoformat() == "2026-12-15" and item.agreement is True
    assert item.evidence_url == "https://exemple.org/comparatif"
    dialog = login_as(people["funder"]).get(url(project, f"/items/{item.id}"), headers=HX).text
    assert "<strong>Important</strong>" in dialog
    assert "<script>alert(1)</script>" not in dialog and "&lt;script&gt;" in dialog


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label": ""}, "Ce champ est obligatoire."),
        ({"label": "x" * 301}, "300 caractères au plus."),
        ({"status": "fini"}, "Statut inconnu."),
        ({"status": "non_applicable", "justification": ""}, "demande une courte justification"),
        ({"status": "non_applicable", "justification": "x" * 501}, "500 caractères au plus."),
        ({"note": "x" * 5001}, "5000 caractères au plus."),
        ({"help": "x" * 5001}, "5000 caractères au plus."),
        ({"evidence_url": "javascript:alert(1)"}, "Adresse web invalide"),
        ({"evidence_url": "https://" + "a" * 500}, "500 caractères au plus."),
        ({"due_date": "31/02/2026"}, "Échéance"),
        ({"responsible_id": "abc"}, "Choix invalide."),
        ({"responsible_org_id": "999999"}, "Choix invalide."),
        ({"milestone_id": "12"}, "Choix invalide."),
    ],
)
def test_edit_bad_input(fields, message, cl, login_as):
    project, people, items = cl
    item = items[0]
    before = activity_count(project)
    r = _edit(login_as(people["director"]), project, item, **fields)
    assert r.status_code == 400
    assert message in r.text
    assert "Le formulaire contient des erreurs" in r.text
    fresh = reload(item)
    assert (fresh.version, fresh.label, fresh.status) == (1, item.label, "a_faire")
    assert activity_count(project) == before


def test_responsible_must_be_a_member(cl, login_as):
    project, people, items = cl
    r = _edit(login_as(people["director"]), project, items[0], responsible_id=people["outsider"].id)
    assert r.status_code == 400 and "Choix invalide." in r.text
    r = _edit(login_as(people["director"]), project, items[0], responsible_id=people["funder"].id)
    assert r.status_code == 400


def test_add_item_to_a_section(cl, login_as):
    project, people, items = cl
    section = items[0].section
    n = len(section.items)
    client = login_as(people["director"])
    form = client.get(url(project, f"/sections/{section.id}/new"), headers=HX)
    assert form.status_code == 200 and "Nouvel élément" in form.text
    r = client.post(
        url(project, f"/sections/{section.id}/new"),
        data={"label": "Rencontrer le notaire", "status": "a_faire"},
        headers=HX,
    )
    assert r.status_code == 200
    assert r.headers["HX-Retarget"] == f"#cl-section-items-{section.id}"
    assert "Rencontrer le notaire" in r.text
    db.session.expire_all()
    fresh = queries.section_in(project.id, section.id)
    assert len(fresh.items) == n + 1 and fresh.items[-1].label == "Rencontrer le notaire"
    bad = client.post(url(project, f"/sections/{section.id}/new"), data={"label": ""}, headers=HX)
    assert bad.status_code == 400 and "Ce champ est obligatoire." in bad.text


def test_move_up_and_down_and_at_the_edges(cl, login_as):
    project, people, items = cl
    section = items[0].section
    first, second = section.items[0], section.items[1]
    client = login_as(people["director"])
    r = client.post(url(project, f"/items/{first.id}/move"), data={"direction": "down"}, headers=HX)
    assert r.status_code == 200 and "checklists:moved" in r.headers["HX-Trigger"]
    db.session.expire_all()
    assert [i.id for i in queries.section_in(project.id, section.id).items][:2] == [
        second.id,
        first.id,
    ]
    client.post(url(project, f"/items/{second.id}/move"), data={"direction": "up"})
    db.session.expire_all()
    assert queries.section_in(project.id, section.id).items[0].id == second.id
    assert (
        client.post(url(project, f"/items/{first.id}/move"), data={"direction": "left"}).status_code
        == 400
    )


def test_delete_item(cl, login_as):
    project, people, items = cl
    item = items[3]
    r = login_as(people["director"]).post(url(project, f"/items/{item.id}/delete"), headers=HX)
    assert r.status_code == 200
    db.session.expire_all()
    assert db.session.get(Item, item.id) is None
    entry = db.session.scalar(db.select(Activity).order_by(Activity.id.desc()))
    assert entry.verb == "item:deleted"


def test_verify_only_by_advisers_and_timestamped(cl, login_as):
    project, people, items = cl
    item = items[0]
    for role in ("coordinator", "director", "evaluator", "funder"):
        r = login_as(people[role]).post(
            url(project, f"/items/{item.id}/verify"), data={"verified": "1"}
        )
        assert r.status_code == 403
        assert reload(item).verified_at is None
    adviser = login_as(people["adviser"])
    r = adviser.post(url(project, f"/items/{item.id}/verify"), data={"verified": "1"}, headers=HX)
    assert r.status_code == 200 and "Vérifié par le Pôle" in r.text
    fresh = reload(item)
    assert fresh.verified_at is not None and fresh.verified_by_id == people["adviser"].id
    # Directors cannot clear it through the edit form either (no such field).
    _edit(login_as(people["director"]), project, fresh, verified_at="")
    assert reload(item).verified_at is not None
    r = adviser.post(url(project, f"/items/{item.id}/verify"), data={"verified": "0"}, headers=HX)
    assert r.status_code == 200
    assert reload(item).verified_at is None and reload(item).verified_by_id is None
    bad = adviser.post(url(project, f"/items/{item.id}/verify"), data={"verified": "yes"})
    assert bad.status_code == 400


def test_verify_from_the_dialog_returns_the_dialog(cl, login_as):
    project, people, items = cl
    r = login_as(people["adviser"]).post(
        url(project, f"/items/{items[0].id}/verify"),
        data={"verified": "1", "from": "dialog"},
        headers=HX,
    )
    assert r.status_code == 200 and "<dialog" in r.text
    assert "Retirer la vérification du Pôle" in r.text


def test_choose_template_later_from_the_empty_state(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    page = client.get(url(project, "/")).text
    assert "Commencez par choisir un modèle de checklist" in page
    reader = login_as(people["funder"]).get(url(project, "/")).text
    assert "Les checklists n'ont pas encore été créées" in reader and "<select" not in reader
    bad = client.post(url(project, "/template"), data={"template": "inconnu"})
    assert bad.status_code == 400 and "Modèle de checklist inconnu." in bad.text
    assert (
        client.post(url(project, "/template"), data={"template": "mutualisation"}).status_code
        == 302
    )
    setup = db.session.scalar(db.select(Setup).filter_by(project_id=project.id))
    assert setup.template == "mutualisation"
    again = client.post(url(project, "/template"), data={"template": "gcsms"})
    assert again.status_code == 400 and "déjà été créées" in again.text
    assert count(db.select(Setup).filter_by(project_id=project.id)) == 1


def test_english_labels_when_the_locale_is_en(cl, login_as):
    project, people, _items = cl
    user = people["funder"]
    user.locale = "en"
    db.session.commit()
    html = login_as(user).get(url(project, "/")).text
    assert "Record the parties&#39; agreement to create the group" in html
    assert "Agreement of the parties and purpose of the group" in html


def test_permalink_renders_the_page_with_the_dialog(cl, login_as):
    project, people, items = cl
    html = login_as(people["evaluator"]).get(url(project, f"/items/{items[20].id}")).text
    assert 'id="cl-permalink-dialog"' in html and "data-autoshow" in html
    area = items[20].section.area
    assert f'id="cl-panel-{area}"' in html
