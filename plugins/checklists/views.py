"""Checklist pages and fragments (read side). Mutations live in :mod:`.views_edit`, which the
plugin package imports to register them on the same blueprint."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, g, render_template, request
from flask_login import current_user

from workspace.cache import fragments
from workspace.extensions import htmx
from workspace.models import Area
from workspace.permissions import can, requires

from . import catalog, queries
from .forms import ItemForm, fill_choices
from .hooks import comment_counts, milestone_options, render_markdown
from .models import PART, Item, Status
from .operations import setup_of

bp = Blueprint("checklists", __name__, template_folder="templates")


def perms(project) -> dict:
    return {
        "can_edit": can(current_user, project, "checklists.edit"),
        "can_verify": can(current_user, project, "checklists.verify"),
    }


def _area(value: str | None) -> str:
    return value if value in {a.value for a in Area} else Area.STRATEGIE.value


def progress_context(project) -> dict:
    by_area = queries.progress_by_area(project.id)
    return {
        "by_area": by_area,
        "overall": queries.overall(by_area),
        "by_section": queries.progress_by_section(project.id),
    }


def row_context(project, item: Item) -> dict:
    return {
        "project": project,
        "item": item,
        "counts": comment_counts(project),
        "statuses": list(Status),
        **perms(project),
    }


def render_row(project, item: Item, with_progress: bool = False) -> str:
    """One item's row; with the progress bars out of band after a change of one's own."""
    html = render_template("checklists/_item.html", **row_context(project, item))
    if with_progress:
        html += render_progress(project)
    return html


def render_progress(project) -> str:
    return render_template(
        "checklists/_progress_oob.html",
        project=project,
        areas=list(Area),
        **progress_context(project),
    )


def item_form(project, item: Item | None = None) -> ItemForm:
    form = ItemForm(obj=item) if item is not None else ItemForm()
    fill_choices(form, project, milestone_options(project))
    return form


def dialog_context(project, item: Item, form: ItemForm | None = None) -> dict:
    ctx = perms(project)
    if ctx["can_edit"] and form is None:
        form = item_form(project, item)
    return {
        "project": project,
        "item": item,
        "form": form,
        "help_html": render_markdown(item.help),
        "milestones": dict(milestone_options(project)),
        **ctx,
    }


@bp.route("/")
@requires("checklists.view")
def index(project_id: int):
    return render_page(g.project, request.args.get("area"))


def render_page(project, area: str | None, open_item: Item | None = None, status: int = 200):
    """The page; its body (every section and item) is reused while the checklists and the
    rest of the project's data but the board's tasks are unchanged (the part ``checklists``
    and ``other``: workspace/cache/revisions.py), keyed by the viewer's rights, the tab and the
    day (an item becomes overdue)."""
    rights = perms(project)
    tab = _area(open_item.section.area if open_item else area)
    body = fragments.cached(
        "checklists",
        project.id,
        (tuple(sorted(rights.items())), tab, date.today()),
        lambda: _render_body(project, tab, rights),
        # Its own part of the project's revisions: a task moved on the board leaves it.
        stamp=fragments.part_stamp(fragments.parts(project.id), PART),
    )
    dialog = dialog_context(project, open_item) if open_item else None
    html = render_template("checklists/index.html", project=project, body=body, dialog=dialog)
    return html, status


def _render_body(project, tab: str, rights: dict) -> str:
    setup = setup_of(project)
    sections = queries.sections_of(project.id)
    by_area: dict[str, list] = {a.value: [] for a in Area}
    for s in sections:
        by_area.setdefault(s.area, []).append(s)
    template = catalog.load(setup.template) if setup and setup.template in catalog.KEYS else None
    return render_template(
        "checklists/_body.html",
        project=project,
        setup=setup,
        template=template,
        templates=catalog.all_templates(),
        default_template=project.form if project.form in catalog.KEYS else catalog.KEYS[0],
        areas=list(Area),
        area=tab,
        sections=by_area,
        has_items=bool(sections),
        counts=comment_counts(project),
        statuses=list(Status),
        **progress_context(project),
        **rights,
    )


@bp.route("/progress")
@requires("checklists.view")
def progress(project_id: int):
    """The progress bars, swapped out of band (refreshed live on ``item:*``)."""
    return render_progress(g.project)


def _item_or_404(project_id: int, item_id: int) -> Item:
    item = queries.item_in(project_id, item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/items/<int:item_id>")
@requires("checklists.view")
def item(project_id: int, item_id: int):
    """The item's detail (and edit form for directors): a dialog for htmx, else the page."""
    it = _item_or_404(project_id, item_id)
    if htmx:
        return render_template("checklists/_item_dialog.html", **dialog_context(g.project, it))
    return render_page(g.project, None, open_item=it)


@bp.route("/items/<int:item_id>/row")
@requires("checklists.view")
def row(project_id: int, item_id: int):
    return render_row(g.project, _item_or_404(project_id, item_id))


@bp.route("/sections/<int:section_id>/items")
@requires("checklists.view")
def section_items(project_id: int, section_id: int):
    """A section's list of items (refreshed live when items are added, moved or removed)."""
    section = queries.section_in(project_id, section_id)
    if section is None:
        abort(404)
    return render_template(
        "checklists/_section_items.html",
        project=g.project,
        section=section,
        counts=comment_counts(g.project),
        statuses=list(Status),
        **perms(g.project),
    )
