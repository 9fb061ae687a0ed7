"""The checklists plugin: four shared checklists per project, one per area.

Each project's checklists come from a template (``templates_data/<form>.yaml``) chosen at
creation or later; directors edit items, advisers mark them "vérifié par le Pôle", everyone
else reads. See docs/architecture.md for the plugin contract.
"""

from flask_babel import lazy_gettext as _l

from workspace.operations import project_created
from workspace.permissions import ALL_ROLES, Permission
from workspace.plugins import Commentable, NavItem, Plugin, Searchable, Widget

from . import hooks, views_edit  # noqa: F401 - views_edit registers the mutation routes
from .api import api_bp
from .demo import load_demo
from .models import PART, Item
from .report import report_sections
from .views import bp


def _on_load(app) -> None:
    project_created.connect(hooks.on_project_created, weak=False)


plugin = Plugin(
    name="checklists",
    title=_l("Checklists"),
    activity_types={
        "checklist": (_l("Checklists"), "list-checks"),
        "item": (_l("Points de checklist"), "list-checks"),
    },
    blueprint=bp,
    api=api_bp,
    permissions=[
        Permission("checklists.view", ALL_ROLES),
        Permission("checklists.edit", {"director"}, write=True),
        Permission("checklists.verify", {"adviser"}, write=True),
    ],
    nav=[NavItem("checklists.index", _l("Checklists"), "checklists.view", "list-checks", 30)],
    widgets=[
        Widget(
            "checklists",
            _l("Checklists"),
            "checklists/widget.html",
            data=hooks.widget_data,
            permission="checklists.view",
            order=30,
            parts=(PART,),
        )
    ],
    commentables=[
        Commentable(
            "checklist_item",
            hooks.resolve_item,
            hooks.item_label,
            hooks.item_link,
            "checklists.view",
        )
    ],
    searchables=[
        Searchable(
            _l("Point de checklist"),
            Item,
            (Item.label, Item.label_en, Item.note, Item.justification),
            label=hooks.item_label,
            url=hooks.item_link,
            permission="checklists.view",
            icon="list-checks",
        )
    ],
    hooks={
        "agreement_recorded": hooks.agreement_recorded,
        "milestone_links": hooks.milestone_links,
        "project_form_fields": hooks.project_form_fields,
        "report_sections": report_sections,
    },
    styles=["css/checklists.css"],
    scripts=["js/checklists.js"],
    demo=load_demo,
    on_load=_on_load,
)
