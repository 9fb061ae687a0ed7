"""What other plugins get from the checklists: hooks, the widget, comments, seeding."""

from __future__ import annotations

import pytest
from flask import render_template_string

from plugins.checklists import hooks, operations
from plugins.checklists.models import Setup
from workspace import operations as core_ops
from workspace.extensions import db
from workspace.plugins import call_hook, commentable, get_plugin


def agreement_item(items):
    return next(i for i in items if i.agreement)


def test_agreement_recorded_only_when_the_agreement_item_is_done(cl):
    project, people, items = cl
    hook = get_plugin("checklists").hooks["agreement_recorded"]
    assert hook(project=project) is False
    item = agreement_item(items)
    operations.set_status(item, people["director"], "en_cours")
    assert hooks.agreement_recorded(project) is False
    operations.set_status(item, people["director"], "fait")
    db.session.commit()
    assert hook(project=project) is True
    assert True in call_hook("agreement_recorded", project=project)
    # Another done item does not count.
    operations.set_status(item, people["director"], "a_faire")
    operations.set_status(items[5], people["director"], "fait")
    assert hooks.agreement_recorded(project) is False


def test_milestone_links_lists_linked_items_with_status(cl, app):
    project, people, items = cl
    items[0].milestone_id = 42
    items[3].milestone_id = 42
    operations.set_status(items[0], people["director"], "fait")
    db.session.commit()
    with app.test_request_context():
        html = hooks.milestone_links(project=project, milestone_id=42)
        assert html.count("<li>") == 2 and "Fait" in html and "À faire" in html
        assert f"/checklists/items/{items[3].id}" in html
        assert hooks.milestone_links(project=project, milestone_id=7) is None


def test_milestone_choices_are_offered_in_the_edit_form(cl, login_as, app):
    project, people, items = cl
    plugin = get_plugin("checklists")
    plugin.hooks["milestone_choices"] = lambda project, **kw: [(5, "Assemblée constitutive")]
    try:
        client = login_as(people["director"])
        base = f"/projects/{project.id}/checklists/items/{items[0].id}"
        dialog = client.get(base, headers={"HX-Request": "true"}).text
        assert "Assemblée constitutive" in dialog and 'name="milestone_id"' in dialog
        data = {"label": items[0].label, "status": "a_faire", "version": 1, "milestone_id": "5"}
        assert client.post(base, data=data).status_code == 302
        db.session.expire_all()
        assert items[0].milestone_id == 5
    finally:
        del plugin.hooks["milestone_choices"]


def test_project_form_fields_only_on_creation(app):
    with app.test_request_context():
        html = hooks.project_form_fields(project=None, form=None)
        assert 'name="checklist_template"' in html and "Modèle de checklist" in html
        assert 'value="auto" selected' in html
        assert hooks.project_form_fields(project=object(), form=None) is None


@pytest.mark.parametrize(
    ("form", "options", "expected"),
    [
        ("fusion", {"checklist_template": "auto"}, "fusion"),
        ("gcsms", {}, "gcsms"),
        ("gcsms", {"checklist_template": "partenariat"}, "partenariat"),
        ("gcsms", {"checklist_template": ""}, None),
        ("other", {"checklist_template": "auto"}, None),
        ("gcsms", {"checklist_template": "../evil"}, None),
    ],
)
def test_template_chosen_at_creation(form, options, expected):
    from tests.factories import create_user

    creator = create_user()
    project = core_ops.create_project(creator, name="Nouveau", form=form, options=options)
    db.session.commit()
    setup = db.session.scalar(db.select(Setup).filter_by(project_id=project.id))
    assert (setup.template if setup else None) == expected


def test_widget_data_by_area(cl, app):
    project, people, items = cl
    operations.set_status(items[0], people["director"], "fait")
    db.session.commit()
    with app.test_request_context():
        data = hooks.widget_data(project, people["funder"])
        assert data["by_area"]["strategie"].done == 1
        assert data["overall"].done == 1
        html = render_template_string(
            '{% include "checklists/widget.html" %}', project=project, **data
        )
        assert 'role="progressbar"' in html and "Voir les checklists" in html


def test_widget_hidden_without_checklists(roles_project, app):
    project, people = roles_project
    with app.test_request_context():
        assert hooks.widget_data(project, people["funder"]) is None


def test_commentable_checklist_item(cl, app):
    project, _, items = cl
    c = commentable("checklist_item")
    assert c is not None and c.permission == "checklists.view"
    assert c.resolve(project, items[0].id) == items[0]
    assert c.resolve(project, 10**9) is None
    with app.test_request_context():
        assert c.url(items[0]).endswith(f"/checklists/items/{items[0].id}")
    assert c.label(items[0]) == items[0].label


def test_markdown_help_is_sanitised():
    html = str(hooks.render_markdown("[x](javascript:alert(1)) <img src=x onerror=alert(1)> *ok*"))
    assert 'href="javascript' not in html and "<img" not in html and "<em>ok</em>" in html
    assert "&lt;img" in html
    link = str(hooks.render_markdown("[site](https://exemple.org)"))
    assert 'href="https://exemple.org"' in link and "noopener" in link
