"""Read side: progress arithmetic and the loading of a project's checklists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from workspace.extensions import db
from workspace.models import Area

from .models import Item, Section, Status


@dataclass(frozen=True)
class Progress:
    """Done / applicable items; non-applicable items leave both counts."""

    done: int = 0
    applicable: int = 0
    not_applicable: int = 0

    @property
    def total(self) -> int:
        return self.applicable + self.not_applicable

    @property
    def ratio(self) -> float:
        return self.done / self.applicable if self.applicable else 0.0

    @property
    def percent(self) -> int:
        return round(self.ratio * 100)

    def __add__(self, other: Progress) -> Progress:
        return Progress(
            self.done + other.done,
            self.applicable + other.applicable,
            self.not_applicable + other.not_applicable,
        )


def progress_of(statuses) -> Progress:
    """Progress of an iterable of status strings (the arithmetic, in one place)."""
    done = applicable = na = 0
    for status in statuses:
        if status == Status.NON_APPLICABLE.value:
            na += 1
            continue
        applicable += 1
        done += status == Status.FAIT.value
    return Progress(done, applicable, na)


def _counts(project_id: int, group_col):
    rows = db.session.execute(
        db.select(group_col, Item.status, func.count(Item.id))
        .join(Section, Section.id == Item.section_id)
        .where(Item.project_id == project_id)
        .group_by(group_col, Item.status)
    ).all()
    out: dict = {}
    for key, status, n in rows:
        out.setdefault(key, []).extend([status] * n)
    return {key: progress_of(statuses) for key, statuses in out.items()}


def progress_by_area(project_id: int) -> dict[str, Progress]:
    """Progress of each area's checklist (every area present, possibly empty)."""
    found = _counts(project_id, Section.area)
    return {a.value: found.get(a.value, Progress()) for a in Area}


def progress_by_section(project_id: int) -> dict[int, Progress]:
    return _counts(project_id, Section.id)


def overall(by_area: dict[str, Progress]) -> Progress:
    total = Progress()
    for p in by_area.values():
        total = total + p
    return total


def sections_of(project_id: int) -> list[Section]:
    """Every section of the project with its items and their people, in a few queries."""
    return list(
        db.session.scalars(
            db.select(Section)
            .filter_by(project_id=project_id)
            .order_by(Section.position, Section.id)
            .options(
                selectinload(Section.items).selectinload(Item.responsible),
                selectinload(Section.items).selectinload(Item.responsible_org),
                selectinload(Section.items).selectinload(Item.verified_by),
                selectinload(Section.items).selectinload(Item.evidence_file),
            )
        )
    )


def item_in(project_id: int, item_id: int) -> Item | None:
    item = db.session.get(Item, item_id)
    return item if item is not None and item.project_id == project_id else None


def section_in(project_id: int, section_id: int) -> Section | None:
    section = db.session.get(Section, section_id)
    return section if section is not None and section.project_id == project_id else None


def agreement_recorded(project_id: int) -> bool:
    return (
        db.session.scalar(
            db.select(Item.id)
            .filter_by(project_id=project_id, agreement=True, status=Status.FAIT.value)
            .limit(1)
        )
        is not None
    )


def items_of_milestone(project_id: int, milestone_id: int) -> list[Item]:
    return list(
        db.session.scalars(
            db.select(Item)
            .filter_by(project_id=project_id, milestone_id=milestone_id)
            .join(Section, Section.id == Item.section_id)
            .order_by(Section.position, Item.position)
        )
    )
