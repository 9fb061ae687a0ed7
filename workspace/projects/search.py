"""The search across the projects one can see (the top bar's field, ``/search?q=``).

Projects are found by name, summary or territory; the plugins' objects through their
:class:`~workspace.plugins.Searchable` declarations, each only in the projects where the person
has its permission (``can()``). One query per kind of object, a bounded number of hits each.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import and_, func, or_, select

from workspace.extensions import db
from workspace.models import Membership, Project
from workspace.permissions import can, remember_membership
from workspace.plugins import plugins
from workspace.projects.views import bp

MIN_LENGTH = 2
MAX_LENGTH = 100
PER_KIND = 20  # hits of one kind; more → « précisez votre recherche »


@dataclass
class Hit:
    project: Project
    kind: str
    icon: str
    title: str
    url: str
    excerpt: str = ""


def words_of(q: str) -> list[str]:
    return [w.lower() for w in q.split() if w][:8]


def _matches(columns, words):
    """Every word in one of the columns (case-insensitive; % and _ are plain characters)."""
    return and_(
        *[or_(*[func.lower(c).contains(w, autoescape=True) for c in columns]) for w in words]
    )


def _excerpt(obj, columns, words, title: str) -> str:
    """Where the first word appears, when it is not in the title: ~120 characters around it."""
    for column in columns:
        text = getattr(obj, column.key, "") or ""
        at = text.lower().find(words[0])
        if at < 0 or text == title:
            continue
        start = max(at - 50, 0)
        snippet = text[start : at + 70].replace("\n", " ").strip()
        return ("…" if start else "") + snippet + ("…" if at + 70 < len(text) else "")
    return ""


def search(user, q: str) -> tuple[list[Hit], set[str]]:
    """The hits for ``q`` grouped by project order, and the kinds cut at :data:`PER_KIND`."""
    words = words_of(q)
    rows = db.session.execute(
        select(Project, Membership)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id)
        .order_by(Project.archived, Project.name)
    ).all()
    for project, membership in rows:  # can() below asks the database nothing more
        remember_membership(user, project, membership)
    projects = [project for project, _m in rows]
    if not words or not projects:
        return [], set()
    by_id = {p.id: p for p in projects}
    hits: list[Hit] = []
    cut: set[str] = set()
    own = (Project.name, Project.summary, Project.territory)
    for p in projects:
        if all(any(w in (getattr(p, c.key) or "").lower() for c in own) for w in words):
            url = url_for("projects.overview", project_id=p.id)
            hits.append(Hit(p, str(_l("Projet")), "folder-kanban", p.name, url, p.summary))
    for s in (s for plugin in plugins() for s in plugin.searchables):
        visible = [p.id for p in projects if can(user, p, s.permission)]
        if not visible:
            continue
        stmt = select(s.model).where(s.model.project_id.in_(visible), _matches(s.columns, words))
        if s.where is not None:
            stmt = stmt.where(s.where)
        rows = db.session.scalars(stmt.order_by(s.model.id.desc()).limit(PER_KIND + 1)).all()
        if len(rows) > PER_KIND:
            cut.add(str(s.kind))
        for obj in rows[:PER_KIND]:
            title = s.label(obj)
            hits.append(
                Hit(
                    by_id[obj.project_id],
                    str(s.kind),
                    s.icon,
                    title,
                    s.url(obj),
                    _excerpt(obj, s.columns, words, title),
                )
            )
    order = {p.id: i for i, p in enumerate(projects)}
    hits.sort(key=lambda h: order[h.project.id])  # stable: kinds stay in plugin order
    return hits, cut


@bp.route("/search")
@login_required
def search_page():
    q = (request.args.get("q") or "").strip()[:MAX_LENGTH]
    too_short = 0 < len(q) < MIN_LENGTH
    hits, cut = search(current_user, q) if len(q) >= MIN_LENGTH else ([], set())
    groups: dict = {}
    for h in hits:
        groups.setdefault(h.project, []).append(h)
    return render_template(
        "projects/search.html", q=q, groups=groups, count=len(hits), cut=cut, too_short=too_short
    )
