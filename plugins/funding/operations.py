"""Funding operations: mutate, flush, publish. Views check permissions and commit.

Rules (amounts, transitions, start-up aid) are checked here too, so no caller can skip them.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from workspace.events import publish
from workspace.extensions import db
from workspace.models import Organisation, Project
from workspace.web.formats import money
from workspace.web.uploads import store_upload

from . import rules
from .models import (
    FundingCriteria,
    FundingDocument,
    FundingExpense,
    FundingLine,
    Kind,
    LineStatus,
)

LINE_FIELDS = (
    "funder_id",
    "kind",
    "status",
    "purpose_category",
    "purpose",
    "amount_requested",
    "amount_granted",
    "amount_paid",
    "requested_on",
    "decided_on",
    "paid_on",
)


class RuleBroken(ValueError):
    """One or more French messages by form field (400)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _url(endpoint: str, fallback: str, **values) -> str:
    try:
        return url_for(endpoint, **values)
    except RuntimeError:  # no request (demo command)
        return fallback


def line_url(line: FundingLine) -> str:
    return _url(
        "funding.line",
        f"/projects/{line.project_id}/funding/lines/{line.id}",
        project_id=line.project_id,
        line_id=line.id,
    )


def _project(project_id: int) -> Project:
    return db.session.get(Project, project_id)


def _publish(verb: str, project, actor, summary, line=None, keys=()) -> None:
    url = line_url(line) if line is not None else _index_url(project.id)
    publish(
        f"funding:{verb}",
        project,
        actor,
        summary,
        object_id=line.id if line is not None else None,
        keys=[*([f"funding:{line.id}"] if line is not None else []), "funding", *keys],
        data={"url": url},
    )


def _index_url(project_id: int, endpoint: str = "funding.index", tail: str = "") -> str:
    return _url(endpoint, f"/projects/{project_id}/funding/{tail}", project_id=project_id)


def _others(project_id: int, line: FundingLine | None) -> list[FundingLine]:
    query = db.select(FundingLine).filter_by(project_id=project_id)
    if line is not None:
        query = query.where(FundingLine.id != line.id)
    return list(db.session.scalars(query))


def create_line(project, actor, **values) -> FundingLine:
    values = {k: v for k, v in values.items() if k in LINE_FIELDS}
    errors = rules.check_line(project, values, None, _others(project.id, None))
    if errors:
        raise RuleBroken(errors)
    line = FundingLine(project_id=project.id, **values)
    db.session.add(line)
    db.session.flush()
    _publish(
        "created",
        project,
        actor,
        _l("a ajouté la ligne de financement « %(t)s »", t=_title(line)),
        line,
    )
    return line


#: What an application copied from its line: frozen while the funder instructs it.
INSTRUCTED_FIELDS = ("funder_id", "kind", "status", "purpose_category", "amount_requested")


def update_line(line: FundingLine, actor, instructing: bool = False, **values) -> FundingLine:
    """Change a line; while an application on it awaits its decision, only the application's
    own operations (``instructing``) may change what the funder is instructing."""
    project = _project(line.project_id)
    values = {k: v for k, v in values.items() if k in LINE_FIELDS}
    changes = any(values.get(k, getattr(line, k)) != getattr(line, k) for k in INSTRUCTED_FIELDS)
    if changes and not instructing and _under_instruction(line):
        raise RuleBroken(
            {
                "status": str(
                    _l(
                        "Une candidature sur cette ligne attend la décision du financeur : "
                        "son financeur, son type, son statut, son objet et son montant ne "
                        "changent plus jusqu'à la décision."
                    )
                )
            }
        )
    errors = rules.check_line(project, values, line, _others(project.id, line))
    if errors:
        raise RuleBroken(errors)
    old_status = line.status
    for key, value in values.items():
        setattr(line, key, value)
    db.session.flush()
    if line.status != old_status:
        summary = _l("a passé « %(t)s » à « %(s)s »", t=_title(line), s=line.status_enum.label)
    else:
        summary = _l("a modifié la ligne de financement « %(t)s »", t=_title(line))
    _publish("updated", project, actor, summary, line)
    return line


def _under_instruction(line: FundingLine) -> bool:
    from .applications import ApplicationStatus, FundingApplication

    return bool(
        db.session.scalar(
            db.select(FundingApplication.id).filter_by(
                line_id=line.id, status=ApplicationStatus.SUBMITTED.value
            )
        )
    )


def delete_line(line: FundingLine, actor) -> None:
    if line.status not in (LineStatus.PLANNED, LineStatus.REFUSED) or line.expenses:
        raise RuleBroken(
            {
                "line": str(
                    _l("Seule une ligne envisagée ou refusée, sans dépense, peut être supprimée.")
                )
            }
        )
    project, title = _project(line.project_id), _title(line)
    db.session.delete(line)
    db.session.flush()
    _publish("deleted", project, actor, _l("a supprimé la ligne de financement « %(t)s »", t=title))


def _title(line: FundingLine) -> str:
    funder = db.session.get(Organisation, line.funder_id)  # the identity map: no query
    return f"{Kind(line.kind).label} — {funder.name if funder else '?'}"


def add_document(line: FundingLine, actor, file_storage) -> FundingDocument:
    project = _project(line.project_id)
    stored = store_upload(project, file_storage, actor)
    doc = FundingDocument(line=line, file_id=stored.id, added_by_id=actor.id)
    db.session.add(doc)
    db.session.flush()
    _publish(
        "document",
        project,
        actor,
        _l("a joint « %(n)s » à « %(t)s »", n=stored.original_name, t=_title(line)),
        line,
    )
    return doc


def remove_document(line: FundingLine, actor, doc: FundingDocument) -> None:
    name = doc.file.original_name
    line.documents.remove(doc)
    db.session.flush()
    _publish(
        "document",
        _project(line.project_id),
        actor,
        _l("a retiré « %(n)s » de « %(t)s »", n=name, t=_title(line)),
        line,
    )


def add_expense(
    line: FundingLine, actor, *, spent_on, supplier, description, amount, file_storage=None
) -> FundingExpense:
    project = _project(line.project_id)
    if amount <= 0:
        raise RuleBroken({"amount": str(_l("Le montant d'une dépense est positif."))})
    if errors := rules.amount_errors({"amount": amount}, ("amount",)):
        raise RuleBroken({k: str(v) for k, v in errors.items()})
    stored = store_upload(project, file_storage, actor) if file_storage else None
    expense = FundingExpense(
        line=line,
        spent_on=spent_on,
        supplier=supplier.strip(),
        description=description.strip(),
        amount=amount,
        file_id=stored.id if stored else None,
        created_by_id=actor.id,
    )
    db.session.add(expense)
    db.session.flush()
    _publish(
        "expense",
        project,
        actor,
        _l("a enregistré une dépense de %(a)s sur « %(t)s »", a=money(amount), t=_title(line)),
        line,
    )
    return expense


def delete_expense(line: FundingLine, actor, expense: FundingExpense) -> None:
    amount = expense.amount
    line.expenses.remove(expense)
    db.session.flush()
    _publish(
        "expense",
        _project(line.project_id),
        actor,
        _l("a supprimé une dépense de %(a)s sur « %(t)s »", a=money(amount), t=_title(line)),
        line,
    )


def criteria_of(project) -> FundingCriteria | None:
    return db.session.scalar(db.select(FundingCriteria).filter_by(project_id=project.id))


def save_criteria(project, actor, **texts) -> FundingCriteria:
    row = criteria_of(project)
    if row is None:
        row = FundingCriteria(project_id=project.id)
        db.session.add(row)
    for key in ("complexity", "economies", "service"):
        setattr(row, key, (texts.get(key) or "").strip())
    row.updated_by_id = actor.id
    db.session.flush()
    _publish(
        "criteria",
        project,
        actor,
        _l("a mis à jour les critères de sélection"),
        keys=["funding-criteria"],
    )
    return row


def aid_becomes_repayable(project, actor) -> list[FundingLine]:
    """The project closed without the groupement: a granted or paid start-up aid is due back.

    Publishes ``funding:repayable`` (the notifications core tells the funder).
    """
    lines = db.session.scalars(
        db.select(FundingLine)
        .filter_by(project_id=project.id, kind=Kind.STARTUP_AID.value)
        .where(FundingLine.status.in_([LineStatus.GRANTED.value, LineStatus.PAID.value]))
    ).all()
    for line in lines:
        line.status = LineStatus.REPAYABLE.value
        db.session.flush()
        _publish(
            "repayable",
            project,
            actor,
            _l(
                "Le groupement n'a pas été créé : l'aide au démarrage « %(t)s » est à rembourser",
                t=_title(line),
            ),
            line,
        )
    return list(lines)
