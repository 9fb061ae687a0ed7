"""A project with one object of every API resource, built through the plugins' operations."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from werkzeug.datastructures import FileStorage

from tests.factories import create_org
from workspace.extensions import db
from workspace.web.uploads import store_upload

_seq = itertools.count(1)


@dataclass
class World:
    project: object
    people: dict
    ids: dict = field(default_factory=dict)

    def fmt(self, path: str) -> str:
        return path.format(p=self.project.id, **self.ids)


def build(project, people) -> World:
    from plugins.board import operations as board
    from plugins.board import setup
    from plugins.checklists import operations as checklists
    from plugins.checklists import queries
    from plugins.funding import operations as funding
    from plugins.indicators import operations as indicators
    from plugins.milestones import operations as milestones
    from plugins.plan import operations as plan
    from plugins.plan import versions as plan_versions

    director, adviser = people["director"], people["adviser"]
    with current_app.test_request_context():
        cols = setup.ensure_columns(project)
        task = board.create_task(project, director, cols[0], title="Budget prévisionnel")
        archived = board.create_task(project, director, cols[0], title="Ancienne tâche")
        board.archive_task(archived, director)
        checklists.apply_template(project, people["coordinator"], "gcsms")
        db.session.flush()
        items = [i for s in queries.sections_of(project.id) for i in s.items]
        planned = milestones.create_milestone(project, director, title="Convention")
        submitted = milestones.create_milestone(project, director, title="Budget commun")
        milestones.submit(submitted, director, "Voici la version 2.")
        other = milestones.create_milestone(project, director, title="Statuts")
        milestones.submit(other, director, "Relisez.")
        cd84 = create_org("Conseil départemental test", kind="funder")
        line = funding.create_line(
            project,
            director,
            funder_id=cd84.id,
            kind="operating_grant",
            status="planned",
            purpose_category="other",
            purpose="Fonctionnement",
            amount_requested=Decimal("5000.00"),
        )
        ind = indicators.create_indicator(
            project,
            director,
            name="Taux de continuité",
            definition="Part des interventions",
            area="pilotage",
            kind="percentage",
            unit="%",
            direction="higher",
            baseline_value=Decimal("88"),
            baseline_date=date(2025, 12, 31),
            target_value=Decimal("97"),
            target_date=date(2027, 6, 30),
            frequency="quarterly",
        )
        m = indicators.add_measurement(
            ind, director, period="2026-T1", period_end=date(2026, 3, 31), value=Decimal("90")
        )
        section = plan.start_plan(project, director)[0]
        version = plan_versions.save_version(project, director, "Version soumise au Pôle")
        pdf = FileStorage(io.BytesIO(b"%PDF-1.4\n% devis\n"), filename="devis.pdf")
        document = store_upload(project, pdf, director)
        db.session.commit()
    w = World(project, people)
    w.ids.update(
        column=cols[0].id,
        column2=cols[1].id,
        task=task.id,
        archived_task=archived.id,
        item=items[0].id,
        milestone=planned.id,
        submitted=submitted.id,
        other_submitted=other.id,
        funder_org=cd84.id,
        line=line.id,
        indicator=ind.id,
        measurement=m.id,
        section=section.id,
        version=version.id,
        file=document.id,
    )
    w.ids["comment"] = new_comment(w, adviser)
    return w


def new_comment(w: World, author) -> int:
    from plugins.comments import operations as comments

    with current_app.test_request_context():
        task_id = w.ids["task"]
        c, _created = comments.post_comment(w.project, author, "task", task_id, "Vu, merci.")
        db.session.commit()
    return c.id


def new_column(w: World, actor) -> int:
    from plugins.board import setup

    col = setup.add_column(w.project, actor, f"Colonne {next(_seq)}", None)
    db.session.commit()
    return col.id


def new_task(w: World, actor) -> int:
    from plugins.board import operations as board
    from plugins.board.models import BoardColumn

    with current_app.test_request_context():
        col = db.session.get(BoardColumn, w.ids["column"])
        t = board.create_task(w.project, actor, col, title=f"Tâche {next(_seq)}")
        db.session.commit()
    return t.id


def new_expense(w: World, actor) -> int:
    from plugins.funding import operations as funding
    from plugins.funding.models import FundingLine

    line = db.session.get(FundingLine, w.ids["line"])
    e = funding.add_expense(
        line,
        actor,
        spent_on=date(2026, 3, 1),
        supplier="Cabinet",
        description="",
        amount=Decimal("100.00"),
    )
    db.session.commit()
    return e.id


def next_period() -> str:
    n = next(_seq)
    return f"{2027 + n // 4}-T{n % 4 + 1}"


def new_open_call(w: World, actor) -> dict:
    """An open call of the world's funder, the project ready to apply to it (a start-up aid
    line from that funder with a quote, the parties' agreement validated): made once, a new
    call each time. The call's id is also left in ``w.ids["call"]`` for the request body."""
    from datetime import timedelta

    from plugins.funding import operations as funding
    from plugins.funding.calls import FundingCall
    from plugins.funding.models import FundingLine
    from plugins.milestones import operations as milestones

    director, adviser = w.people["director"], w.people["adviser"]
    funder = w.ids["funder_org"]
    with current_app.test_request_context():
        aid = db.session.scalar(
            db.select(FundingLine).filter_by(project_id=w.project.id, kind="startup_aid")
        )
        if aid is None:
            aid = funding.create_line(
                w.project,
                director,
                funder_id=funder,
                kind="startup_aid",
                status="planned",
                purpose_category="legal_support",
                purpose="Avocat",
                amount_requested=Decimal("12000.00"),
            )
            quote = FileStorage(io.BytesIO(b"%PDF-1.4\n% devis\n"), filename="devis.pdf")
            funding.add_document(aid, director, quote)
            agreed = milestones.create_milestone(
                w.project, director, title="Accord des parties", is_agreement=True
            )
            milestones.submit(agreed, director, "Signé.")
            milestones.validate(agreed, adviser)
        call = FundingCall(
            funder_id=funder,
            created_by_id=w.people["funder"].id,
            title=f"Appel {next(_seq)}",
            envelope=Decimal("50000.00"),
            opens_on=date.today() - timedelta(days=1),
            closes_on=date.today() + timedelta(days=30),
        )
        db.session.add(call)
        db.session.commit()
    w.ids["call"] = call.id
    return {"call": call.id}
