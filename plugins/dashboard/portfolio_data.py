"""The portfolio's rows: every project a person is in, with what needs their attention.

Each plugin answers the hook ``portfolio_facts(projects, today)`` with
``{project_id: {key: value}}`` for all the projects at once (a bounded number of queries,
whatever their number). Known keys, merged here: ``alerts`` (lists, joined), ``overdue`` and
``pending`` (counts, added), ``lights`` and ``next_milestone`` (one plugin's, kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func

from workspace.cache import fragments
from workspace.extensions import db
from workspace.models import Activity, CooperationForm, Membership, Project, Role, Stage
from workspace.notifications.center import PARIS
from workspace.plugins import call_hook

SUMMED = ("overdue", "pending")
SHOWN = ("id", "name", "form", "stage", "territory", "archived")  # fields of ProjectLine
STAGES = {s.value for s in Stage}
ROLES = {r.value for r in Role}


@dataclass(frozen=True)
class ProjectLine:
    """What a row shows of a project (read as plain columns: 200 ORM objects with every
    column were a third of the page)."""

    id: int
    name: str
    form: str
    stage: str
    territory: str
    archived: bool

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def form_label(self) -> str:
        return CooperationForm(self.form).label


@dataclass
class PortfolioRow:
    project: ProjectLine
    role: str  # the person's role in the project
    lights: dict | None = None
    next_milestone: dict | None = None
    alerts: list[dict] = field(default_factory=list)
    overdue: int = 0
    pending: int = 0
    last_activity: datetime | None = None

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def last_day(self) -> date | None:
        """The day (Paris) of the last activity."""
        return self.last_activity.astimezone(PARIS).date() if self.last_activity else None

    @property
    def off_track(self) -> int:
        return self.lights["counts"].get("off_track", 0) if self.lights else 0


@dataclass(frozen=True)
class PortfolioFilters:
    """What the person chose to see; unknown values are ignored, never an error."""

    q: str = ""
    stage: str = ""
    role: str = ""
    attention: bool = False
    archived: bool = False
    sort: str = "name"

    @classmethod
    def from_args(cls, args) -> PortfolioFilters:
        stage = args.get("stage", "")
        role = args.get("role", "")
        sort = args.get("sort", "name")
        return cls(
            q=args.get("q", "").strip()[:100],
            stage=stage if stage in STAGES else "",
            role=role if role in ROLES else "",
            attention=args.get("attention") == "1",
            archived=args.get("archived") == "1",
            sort=sort if sort in SORTS else "name",
        )

    def args(self, **changes) -> dict:
        """The query string of these filters (with ``changes``), without the defaults."""
        values = {**self.__dict__, **changes}
        out = {k: v for k, v in values.items() if v and not (k == "sort" and v == "name")}
        return {k: ("1" if v is True else v) for k, v in out.items()}

    @property
    def active(self) -> bool:
        return bool(self.q or self.stage or self.role or self.attention or self.archived)


def _latest_first(moment: datetime | None) -> float:
    return -moment.timestamp() if moment else float("inf")


def _soonest_first(milestone: dict | None) -> date:
    return milestone["date"] if milestone and milestone["date"] else date.max


#: sort key → (key of a row, descending?)
SORTS = {
    "name": (lambda r: r.project.name.lower(), False),
    "role": (lambda r: str(r.role_label), False),
    "stage": (lambda r: Stage(r.project.stage).index, False),
    "next": (lambda r: _soonest_first(r.next_milestone), False),
    "overdue": (lambda r: r.overdue, True),
    "pending": (lambda r: r.pending, True),
    "off_track": (lambda r: r.off_track, True),
    "alerts": (lambda r: len(r.alerts), True),
    "activity": (lambda r: _latest_first(r.last_activity), False),
}


def portfolio_rows(user, filters: PortfolioFilters, today: date) -> list[PortfolioRow]:
    """The rows of ``user``'s portfolio, filtered and sorted (queries: a fixed number)."""
    query = (
        db.select(*(getattr(Project, c) for c in SHOWN), Membership.role)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id)
    )
    if not filters.archived:
        query = query.where(Project.archived.is_(False))
    if filters.stage:
        query = query.where(Project.stage == filters.stage)
    if filters.role:
        query = query.where(Membership.role == filters.role)
    if filters.q:
        needle = f"%{filters.q.lower()}%"
        query = query.where(
            func.lower(Project.name).like(needle) | func.lower(Project.territory).like(needle)
        )
    rows = [PortfolioRow(ProjectLine(*line[:-1]), line[-1]) for line in db.session.execute(query)]
    _add_facts(rows, today)
    if filters.attention:
        rows = [r for r in rows if r.alerts]
    key, reverse = SORTS[filters.sort]
    return sorted(rows, key=key, reverse=reverse)


FACT_KEYS = ("lights", "next_milestone", "alerts", "overdue", "pending", "last_activity")


def _add_facts(rows: list[PortfolioRow], today: date) -> None:
    """Each row's facts, reused per project while its data is unchanged (the day and the
    language are in the key): after a change in one project, only that one is computed."""
    by_id = {r.project.id: r for r in rows}

    def compute(ids: list[int]) -> dict[int, dict]:
        return facts_of([by_id[pid].project for pid in ids], today)

    for pid, facts in fragments.reused("portfolio-facts", by_id, (today,), compute).items():
        row = by_id[pid]
        for key in FACT_KEYS:
            setattr(row, key, facts[key])


def facts_of(projects: list[ProjectLine], today: date) -> dict[int, dict]:
    """Every plugin's ``portfolio_facts`` merged, and the last activity, of ``projects``."""
    out = {
        p.id: {
            "lights": None,
            "next_milestone": None,
            "alerts": [],
            "overdue": 0,
            "pending": 0,
            "last_activity": None,
        }
        for p in projects
    }
    for answer in call_hook("portfolio_facts", projects=projects, today=today):
        for pid, facts in answer.items():
            merged = out[pid]
            merged["alerts"] = merged["alerts"] + facts.get("alerts", [])
            for key in SUMMED:
                merged[key] += facts.get(key, 0)
            merged["lights"] = facts.get("lights", merged["lights"])
            merged["next_milestone"] = facts.get("next_milestone", merged["next_milestone"])
    last = db.session.execute(
        db.select(Activity.project_id, func.max(Activity.created_at))
        .where(Activity.project_id.in_(out))
        .group_by(Activity.project_id)
    )
    for pid, moment in last:
        out[pid]["last_activity"] = moment
    return out
