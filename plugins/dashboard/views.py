"""The project dashboard: every plugin's widgets, each refreshed live on its own; the calendar."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, g, render_template
from flask_babel import format_date
from flask_login import current_user
from markupsafe import Markup

from workspace.cache import fragments
from workspace.extensions import db
from workspace.permissions import can, requires
from workspace.plugins import widgets

from . import widgets as own

bp = Blueprint("dashboard", __name__, template_folder="templates")


@dataclass
class Card:
    name: str
    title: str
    size: str
    live: str
    html: Markup


def live_keys(widget) -> str:
    """What notices refresh a widget: its ``live`` attribute if the plugin set one (e.g.
    ``"task:* column:*"``), else every notice (the card's trigger is throttled)."""
    return getattr(widget, "live", None) or "*"


def render_card(widget, project) -> Card | None:
    """One widget rendered for the current user, or None when hidden or not allowed.

    A card is reused while the project's data is unchanged (or the ``parts`` of it the widget
    names), keyed by the viewer's roles and the day (workspace/cache/fragments.py) — unless
    the widget says it is ``personal``. A
    failing widget shows a short message instead of breaking the whole dashboard (and that
    message is not kept).
    """
    if not can(current_user, project, widget.permission):
        return None
    try:
        if getattr(widget, "personal", False):
            html = Markup(_card_html(widget, project))  # noqa: S704
        else:
            html = fragments.page_body(
                "widget:" + widget.name,
                project,
                lambda: _card_html(widget, project),
                parts=_parts_of(widget),
            )
        if not html:
            return None
    except Exception:  # a plugin's bug must not take the dashboard down
        current_app.logger.exception("dashboard widget %s failed", widget.name)
        if current_app.config.get("PROPAGATE_ERRORS_IN_TESTS"):
            raise
        db.session.rollback()
        html = Markup(render_template("dashboard/_broken.html"))  # noqa: S704
    return Card(widget.name, str(widget.title), widget.size, live_keys(widget), html)


def _parts_of(widget) -> tuple[str, ...] | None:
    """The widget's ``parts``, or what its function of no argument says now."""
    parts = getattr(widget, "parts", None)
    return parts() if callable(parts) else parts


def _card_html(widget, project) -> str:
    """The card's HTML; empty when the widget hides itself (its data is None)."""
    data = widget.data(project, current_user)
    if data is None:
        return ""
    return render_template(widget.template, project=project, ui=_ui(), **data)


def _ui():
    """The layout's macros, so that widget templates can use ``ui.icon`` like pages do."""
    return current_app.jinja_env.get_template("macros.html").module


@bp.route("/")
@requires("dashboard.view")
def index(project_id: int):
    cards = [c for w in widgets() if (c := render_card(w, g.project)) is not None]
    return render_template("dashboard/index.html", cards=cards)


@bp.route("/widgets/<name>")
@requires("dashboard.view")
def widget(project_id: int, name: str):
    """One card, for live refreshes (htmx swaps it in place; empty when now hidden)."""
    w = next((w for w in widgets() if w.name == name[:80]), None)
    if w is None:
        abort(404)
    card = render_card(w, g.project)
    if card is None:
        return ""
    return render_template("dashboard/_card.html", card=card)


@bp.route("/calendar")
@requires("dashboard.view")
def calendar(project_id: int):
    items = own.calendar(g.project)
    months: dict = {}
    for item in items:
        if not item["overdue"]:
            months.setdefault(format_date(item["date"], "MMMM y"), []).append(item)
    late = [i for i in items if i["overdue"]]
    return render_template("dashboard/calendar.html", late=late, months=months)
