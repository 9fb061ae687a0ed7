"""What the checklists offer other parts of the app: hooks, widget, commentable, seeding."""

from __future__ import annotations

import nh3
from flask import render_template, url_for
from markdown_it import MarkdownIt
from markupsafe import Markup

from workspace.models import Area, CooperationForm, Project
from workspace.plugins import call_hook

from . import catalog, queries
from .models import Item
from .operations import ChecklistError, apply_template, setup_of

# Markdown without raw HTML, then sanitised: help texts are written by directors.
_md = MarkdownIt("commonmark", {"html": False})


def render_markdown(text: str) -> Markup:
    html = nh3.clean(_md.render(text or ""), link_rel="noopener noreferrer nofollow")
    return Markup(html)  # noqa: S704 - sanitised by nh3 just above


def milestone_options(project: Project) -> list[tuple[int, str]]:
    """(id, title) of the project's milestones, from every plugin that offers some."""
    return [
        (int(mid), str(title))
        for group in call_hook("milestone_choices", project=project)
        for mid, title in group
    ]


def agreement_recorded(project: Project, **_kw) -> bool:
    """True when an item marked as the parties' agreement is done."""
    return queries.agreement_recorded(project.id)


def milestone_links(project: Project, milestone_id: int, **_kw):
    """HTML list of the items linked to a milestone with their status (None if none)."""
    items = queries.items_of_milestone(project.id, milestone_id)
    if not items:
        return None
    return render_template("checklists/_milestone_links.html", project=project, items=items)


def default_template(form: str) -> str | None:
    return form if form in catalog.KEYS else None


def project_form_fields(project, form, **_kw):
    """The template choice, on the creation form only."""
    if project is not None:
        return None
    return render_template(
        "checklists/_project_form_fields.html",
        templates=catalog.all_templates(),
        forms={f.value: f.label for f in CooperationForm},
    )


def on_project_created(project: Project, actor, options: dict, **_kw) -> None:
    """Seed the checklists from the template chosen at creation ("auto": the project's form)."""
    choice = (options or {}).get("checklist_template", "auto")
    key = default_template(project.form) if choice == "auto" else choice
    if not key or key not in catalog.KEYS or setup_of(project) is not None:
        return
    try:
        apply_template(project, actor, key)
    except ChecklistError:  # pragma: no cover - guarded just above
        return


def widget_data(project: Project, user) -> dict | None:
    if setup_of(project) is None:
        return None
    by_area = queries.progress_by_area(project.id)
    return {
        "by_area": by_area,
        "overall": queries.overall(by_area),
        "areas": list(Area),
        "url": url_for("checklists.index", project_id=project.id),
    }


def resolve_item(project: Project, object_id: int) -> Item | None:
    return queries.item_in(project.id, int(object_id))


def item_label(item: Item) -> str:
    return item.display_label


def item_link(item: Item) -> str:
    return url_for("checklists.item", project_id=item.project_id, item_id=item.id)


def comment_counts(project: Project) -> dict[int, int]:
    counts: dict[int, int] = {}
    for result in call_hook("comment_counts", project=project, object_type="checklist_item"):
        for key, n in (result or {}).items():
            counts[int(key)] = counts.get(int(key), 0) + int(n)
    return counts
