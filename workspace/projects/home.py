"""The home page's project cards, each kept while its project is unchanged.

A person in 50 projects sees 50 cards; rendering them (their form, stage and role in French,
their partners' names) was a third of the page. Each card is kept per project, per role and
coordination of the viewer in it and per language (``fragments.reused``: the project's and
the people's revisions, read for all the projects in one query), and a change renders its
project's card alone. The partners are loaded only for the cards rendered.
"""

from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workspace.cache import fragments
from workspace.extensions import db
from workspace.models import Membership, Project, Role

# Between two cards rendered at once (a comment: the cards' text is escaped, it cannot be one).
CARD_MARK = Markup("<!--project-card-->")


def project_cards(rows: list[tuple[Project, Membership]]) -> dict[int, Markup]:
    """``{project id: card HTML}`` for the home page's ``(project, membership)`` rows."""
    by_role: dict[tuple[str, bool], dict[int, Project]] = {}
    for project, membership in rows:
        by_role.setdefault((membership.role, membership.coordinator), {})[project.id] = project
    cards = {}
    for (role, coordinator), group in by_role.items():

        def render(ids: list[int], group=group, role=role, coordinator=coordinator) -> dict:
            _load_partners(ids)
            macro = get_template_attribute("projects/_cards.html", "cards")
            projects = [group[pid] for pid in ids]
            html = str(macro(projects, Role(role).label, coordinator, CARD_MARK))
            return dict(zip(ids, html.split(CARD_MARK), strict=True))

        key = (role, coordinator)
        for pid, html in fragments.reused("home-card", group, key, render).items():
            cards[pid] = fragments.with_token(html)
    return cards


def _load_partners(ids: list[int]) -> None:
    """Load the partners of these projects (already in the session) in one query."""
    db.session.scalars(
        select(Project).where(Project.id.in_(ids)).options(selectinload(Project.partners))
    ).all()
