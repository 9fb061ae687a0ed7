"""In-app help: the user guides of docs/guide served in the layout, the « ? » link, the tour.

``/help/<lang>/<page>.md`` renders the Markdown guides with markdown-it-py (raw HTML off), so
relative links and images work offline exactly as on a forge. A small pseudo-plugin adds the
« ? » link and the first-visit tour to the top bar through the ``topbar`` hook, with its own
static files (tour.css, tour.js).
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Flask, abort, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markdown_it import MarkdownIt
from markupsafe import Markup

from workspace.cache.small import render_small
from workspace.extensions import db
from workspace.help.tour import TOURS, has_seen, mark_seen
from workspace.permissions import membership_of
from workspace.plugins import Plugin

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
LANGS = ("fr", "en")
PAGE = re.compile(r"^[a-z0-9-]+\.md$")
IMAGE = re.compile(r"^[a-z0-9-]+\.png$")
ROLE_PAGES = {
    "director": "directeur",
    "adviser": "conseiller",
    "evaluator": "evaluateur",
    "funder": "financeur",
}

bp = Blueprint("help", __name__, url_prefix="/help")
_md = MarkdownIt("commonmark", {"html": False}).enable("table")


def _lang() -> str:
    code = str(get_locale() or "fr")
    return code if code in LANGS else "fr"


def role_page(user, project) -> str:
    """The guide page of the user's role in ``project`` ("index" when not a member)."""
    membership = membership_of(user, project)
    if membership is None:
        return "index"
    if membership.coordinator:
        return "coordinateur"
    return ROLE_PAGES.get(membership.role, "index")


def _slug(text: str) -> str:
    """GitHub-style anchor, so that links written for the forge work here too."""
    text = re.sub(r"[`*]|<[^>]+>", "", text.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def render_markdown(text: str) -> Markup:
    tokens = _md.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            token.attrSet("id", _slug(tokens[i + 1].content))
    # Raw HTML is disabled in the parser: the output is markdown-it's own escaped markup.
    return Markup(_md.renderer.render(tokens, _md.options, {}))  # noqa: S704


@bp.route("/")
@login_required
def index():
    return redirect(url_for("help.page", code=_lang(), filename="index.md"))


@bp.route("/<code>/<path:filename>")
@login_required
def page(code: str, filename: str):
    if code == "img" and IMAGE.match(filename) and (GUIDE / "img" / filename).is_file():
        return send_file(GUIDE / "img" / filename, mimetype="image/png", max_age=3600)
    if code not in LANGS or not PAGE.match(filename):
        abort(404)
    path = GUIDE / code / filename
    if not path.is_file():
        abort(404)
    text = path.read_text(encoding="utf-8")
    title = text.splitlines()[0].lstrip("# ").strip() if text else filename
    return render_template(
        "tour/help.html", body=render_markdown(text), title=title, code=code, filename=filename
    )


@bp.route("/tour", methods=["POST"])
@login_required
def tour_seen():
    """Finished or skipped: never show this tour again to this person."""
    tour = request.form.get("tour", "")
    if tour not in TOURS:
        abort(400)
    mark_seen(current_user, tour)
    db.session.commit()
    if request.headers.get("X-Requested-With") == "fetch":
        return "", 204
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = url_for("projects.index")
    return redirect(target)


def _topbar(project=None, **_kw) -> str | None:
    if not current_user.is_authenticated:
        return None
    page_name = role_page(current_user, project) if project is not None else "index"
    tour = page_name if page_name in TOURS else None
    show_tour = tour is not None and not has_seen(current_user, tour)
    if not show_tour:  # the help link alone, the same for everyone with this role
        return render_small("tour/_topbar.html", page_name=page_name, tour=None, steps=())
    return render_template(
        "tour/_topbar.html", page_name=page_name, tour=tour, steps=TOURS.get(tour, [])
    )


guide_plugin = Plugin(
    name="guide",
    title=_l("Aide"),
    hooks={"topbar": _topbar},
    styles=["css/tour.css"],
    scripts=["js/tour.js"],
)


def init_help(app: Flask) -> None:
    """Register the help pages and add the « ? » link and the tour to every page's top bar."""
    app.register_blueprint(bp)
    app.extensions["coopilote.plugins"].append(guide_plugin)
