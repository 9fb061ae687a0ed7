"""« Ce qui vous attend »: what each person has to do next, across their open projects.

The home page asks every plugin's ``awaiting`` hook (``user``, ``projects``: the person's open
projects, memberships known to ``can()``) for :class:`Awaiting` items — the evaluator's
measurements to review and answers to read, the adviser's milestones to validate and plan
sections to read, the director's tasks, sent-back milestones and questions to answer. A
plugin picks the projects where the person holds the right with :func:`projects_where`
(``can()``, never a role name) and counts with one query for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from workspace.models import Membership, Project
from workspace.permissions import can_each, remember_membership
from workspace.plugins import call_hook

TONES = ("danger", "warn", "info")  # shown in this order


@dataclass
class Awaiting:
    """One line of « Ce qui vous attend »: ``text`` already says the number (ngettext)."""

    text: str
    url: str
    icon: str
    count: int
    project: Project | None = None  # None: across the person's projects
    tone: str = "warn"


def projects_where(user, projects: list[Project], permission: str) -> list[Project]:
    return can_each(user, projects, permission)


def awaiting_for(user, rows: list[tuple[Project, Membership]]) -> list[Awaiting]:
    """Every plugin's items for ``user``, given the ``(project, membership)`` rows of the
    home page (archived projects left out), most urgent first."""
    projects = []
    for project, membership in rows:
        remember_membership(user, project, membership)
        if not project.archived:
            projects.append(project)
    if not projects:
        return []
    items = [a for found in call_hook("awaiting", user=user, projects=projects) for a in found]
    names = {p.id: p.name.lower() for p in projects}
    return sorted(
        (a for a in items if a.count > 0),
        key=lambda a: (TONES.index(a.tone), names.get(a.project.id, "") if a.project else ""),
    )
