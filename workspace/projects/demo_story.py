"""What every demo project shares: the context a plugin's ``demo(ctx)`` receives, the people and
organisations created once, and the story told over months (history spread, timestamps
back-dated). ``demo.py`` tells the main GCSMS, ``demo_more.py`` the two smaller projects."""

from __future__ import annotations

import io
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select, update

from workspace.auth.credentials import hash_password
from workspace.events import _hash, chain_pending, entry_fields
from workspace.extensions import db
from workspace.models import Activity, Organisation, Project, User, UTCDateTime, utcnow
from workspace.plugins import plugins

PASSWORD = "demo-coopilote-2026"  # noqa: S105 - the public demo password, printed


@dataclass
class DemoContext:
    """What a plugin's ``demo(ctx)`` receives: the project, its people and organisations."""

    project: Project
    people: dict[str, User]
    orgs: dict[str, Organisation]
    today: date = field(default_factory=date.today)
    # "main": the GCSMS of DEMO.md, with all its content; another key names one of the
    # smaller projects of workspace/projects/demo_more.py (a plugin adds a little or nothing).
    story: str = "main"
    director_keys: tuple = ("claire", "karim", "sophie")

    @property
    def directors(self) -> list[User]:
        return [self.people[k] for k in self.director_keys]


def org_of(key: str, catalogue: dict) -> Organisation:
    """The organisation ``key`` of ``catalogue`` (name, kind, town, colour, SIRET — a made-up
    number that passes the check), created once."""
    name, kind, town, color, siret = catalogue[key]
    org = db.session.scalar(db.select(Organisation).filter_by(name=name))
    if org is None:
        org = Organisation(name=name, kind=kind, town=town, color=color, siret=siret)
        db.session.add(org)
    return org


def user_of(email: str, name: str, org: Organisation, admin: bool = False) -> User:
    user = db.session.scalar(db.select(User).filter_by(email=email))
    if user is None:
        user = User(email=email, name=name, organisation=org, is_admin=admin)
        db.session.add(user)
    user.password_hash = hash_password(PASSWORD)
    user.active = True
    return user


def tell(ctx: DemoContext, started: datetime) -> None:
    """Each plugin adds its content, then the project's history is spread over the months."""
    for plugin in plugins():
        if plugin.demo:
            plugin.demo(ctx)
            # The log's entries, written now: the next plugins' stories read them (the
            # comments follow the decisions logged) and they are back-dated below.
            chain_pending(db.session)
    db.session.flush()
    when = _spread_history(ctx.project)
    _back_date(when, started, utcnow())


def _spread_history(project: Project):
    """Back-date the demo's activity over the months since the start, keeping the hash chain.

    Returns ``when(t)``: the back-dated time of an instant ``t`` of the demo's run, interpolated
    between the log entries' times before and after (for :func:`_back_date`)."""
    entries = db.session.scalars(
        db.select(Activity).filter_by(project_id=project.id).order_by(Activity.id)
    ).all()
    if not entries:
        return lambda t: t
    start = datetime.combine(project.start_date, datetime.min.time(), UTC) + timedelta(hours=9)
    span = (datetime.now(UTC) - timedelta(hours=2)) - start
    real = [e.created_at for e in entries]
    prev = ""
    for i, entry in enumerate(entries):
        entry.created_at = start + span * (i / max(len(entries) - 1, 1))
        entry.prev_hash = prev
        entry.entry_hash = _hash(prev, entry_fields(entry))
        prev = entry.entry_hash
    spread = [e.created_at for e in entries]

    def when(t: datetime) -> datetime:
        i = bisect_left(real, t)
        if i <= 0:
            return spread[0]
        if i >= len(real):
            return spread[-1]
        gap = (real[i] - real[i - 1]).total_seconds()
        part = (t - real[i - 1]).total_seconds() / gap if gap else 1.0
        return spread[i - 1] + (spread[i] - spread[i - 1]) * part

    return when


def _back_date(when, started: datetime, ended: datetime) -> None:
    """Move every timestamp written while the demo ran (a task's creation, a review, a
    comment, a validation…) to the back-dated time of that instant, so that the decisions
    shown on the pages are spread over the project's history like its activity log."""
    for table in db.metadata.sorted_tables:
        if table.name == Activity.__tablename__:
            continue  # already done, hash chain included
        columns = [c for c in table.columns if isinstance(c.type, UTCDateTime)]
        keys = list(table.primary_key.columns)
        if not columns or not keys:
            continue
        # All of a row's timestamps in one UPDATE: an updated_at left out would be set to now.
        written = or_(*[c.between(started, ended) for c in columns])
        for row in db.session.execute(select(*keys, *columns).where(written)).all():
            ids, values = row[: len(keys)], row[len(keys) :]
            moved = {
                c.name: when(v) if v is not None and started <= v <= ended else v
                for c, v in zip(columns, values, strict=True)
            }
            db.session.execute(
                update(table).where(*[k == v for k, v in zip(keys, ids, strict=True)]).values(moved)
            )


def tiny_pdf(text: str, *more: str) -> bytes:
    """A minimal, valid one-page PDF showing ``text`` as its title and ``more`` lines under it
    (ASCII), with a correct xref table."""

    def safe(line: str) -> bytes:
        return line.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")

    stream = b"BT /F1 14 Tf 60 780 Td (" + safe(text) + b") Tj"
    for n, line in enumerate(more):
        gap = b"0 -28 Td /F1 11 Tf" if n == 0 else b"0 -18 Td"
        stream += b" " + gap + b" (" + safe(line) + b") Tj"
    stream += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
