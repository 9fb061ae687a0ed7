"""Applications' operations: submit, score, decide. Views check permissions and commit.

Every rule is checked here (the checklist at submission, the envelope and the bounds at the
decision), so the API and the pages cannot differ. The project's start-up aid line follows the
application through :func:`operations.update_line`, its own rules included.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from workspace.events import publish
from workspace.extensions import db
from workspace.notifications.center import notify
from workspace.operations import coordinators
from workspace.plugins import call_hook
from workspace.web.formats import money

from . import operations as ops
from . import rules
from .application_queries import aid_line, application_of, granted_total, submission_checks
from .applications import (
    COMMENT_MAX,
    CRITERIA,
    SCORE_MAX,
    SCORE_MIN,
    ApplicationStatus,
    FundingApplication,
    FundingScore,
)
from .calls import FundingCall, funder_staff, log_call
from .models import LineStatus

#: The groupement must exist within this many days of the grant, unless the decision says.
DEFAULT_DEADLINE_DAYS = 365


def application_url(application: FundingApplication) -> str:
    return ops._url(
        "funding_calls.application",
        f"/appels/{application.call_id}/candidatures/{application.id}",
        call_id=application.call_id,
        application_id=application.id,
    )


def _line_values(line, **over) -> dict:
    """All of a line's fields (the line rules weigh them together), some of them changed."""
    return {**{name: getattr(line, name) for name in ops.LINE_FIELDS}, **over}


def agreement_on(project) -> date | None:
    """The day the parties' agreement was recorded (milestones' hook), None while it is not."""
    return agreement_dates([project]).get(project.id)


def agreement_dates(projects) -> dict[int, date]:
    """``{project_id: day}`` the parties' agreement was recorded, for many projects at once."""
    out: dict[int, date] = {}
    for found in call_hook("agreement_dates", project_ids=[p.id for p in projects]):
        for project_id, day in found.items():
            out[project_id] = min(day, out.get(project_id, day))
    return out


def _publish(verb: str, application: FundingApplication, actor, summary) -> None:
    publish(
        f"funding:application_{verb}",
        application.project,
        actor,
        summary,
        object_id=application.line_id,
        keys=["funding", f"funding-application:{application.id}"],
        data={"url": ops._index_url(application.project_id)},
    )
    _journal(application, actor, summary)


def _journal(application: FundingApplication, actor, summary) -> None:
    """The step in the call's own journal too, naming the project."""
    log_call(
        application.call_id,
        actor,
        _l("%(what)s — « %(project)s »", what=summary, project=application.project.name),
    )


def submit(call: FundingCall, project, actor, today: date) -> FundingApplication:
    """Apply to ``call`` with the project's start-up aid line; every check must pass."""
    if application_of(call.id, project.id) is not None:
        raise ops.RuleBroken({"call": str(_l("Ce projet a déjà candidaté à cet appel."))})
    failed = [c for c in submission_checks(call, project, today) if not c.ok]
    if failed:
        raise ops.RuleBroken({c.key: str(c.label) for c in failed})
    line = aid_line(project.id, call.funder_id)
    application = FundingApplication(
        call_id=call.id,
        project_id=project.id,
        line_id=line.id,
        amount=line.amount_requested,
        purpose_category=line.purpose_category,
        purpose=line.purpose,
        agreement_on=agreement_on(project),
        submitted_by_id=actor.id,
    )
    db.session.add(application)
    values = _line_values(line, status=LineStatus.REQUESTED.value, requested_on=today)
    values.update(amount_granted=None, amount_paid=None, decided_on=None)
    ops.update_line(line, actor, instructing=True, **values)
    db.session.flush()
    _publish(
        "submitted",
        application,
        actor,
        _l(
            "a déposé la candidature à l'appel « %(c)s » (%(a)s)",
            c=call.title,
            a=money(application.amount),
        ),
    )
    notify(
        funder_staff(call),
        "application_submitted",
        project,
        _l("Nouvelle candidature de « %(p)s » à l'appel « %(c)s »", p=project.name, c=call.title),
        application_url(application),
        actor=actor,
    )
    return application


def save_scores(application: FundingApplication, actor, marks: dict[str, tuple]) -> None:
    """``marks``: criterion → (score 1–5, comment): the scorer's own marks, replaced."""
    if not application.pending:
        raise ops.RuleBroken({"scores": str(_l("La décision est prise : la notation est close."))})
    errors = {}
    for key, (score, comment) in marks.items():
        if key not in dict(CRITERIA):
            errors[key] = str(_l("Critère inconnu."))
        elif not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            errors[key] = str(_l("Donnez une note de 1 à 5."))
        elif len(comment or "") > COMMENT_MAX:
            errors[key] = str(_l("Commentaire trop long : au plus 2 000 caractères."))
    if errors:
        raise ops.RuleBroken(errors)
    mine = {s.criterion: s for s in application.scores if s.scorer_id == actor.id}
    for key, (score, comment) in marks.items():
        row = mine.get(key)
        if row is None:
            row = FundingScore(criterion=key, scorer_id=actor.id)
            application.scores.append(row)
        row.score, row.comment = score, (comment or "").strip()
    db.session.flush()
    _journal(application, actor, _l("a noté la candidature"))


def decide(
    application: FundingApplication,
    actor,
    today: date,
    *,
    granted: bool,
    amount: Decimal | None = None,
    reason: str = "",
    deadline: date | None = None,
) -> FundingApplication:
    """Record the committee's decision: granted with an amount, or refused with a reason."""
    if not application.pending:
        raise ops.RuleBroken({"decision": str(_l("Cette candidature a déjà été décidée."))})
    reason = (reason or "").strip()
    if granted:
        # Two grants decided at once must not both take the envelope's last euros: the call's
        # row is locked until this transaction ends (PostgreSQL; SQLite writes one at a time).
        db.session.execute(
            db.select(FundingCall.id).where(FundingCall.id == application.call_id).with_for_update()
        )
    errors = _decision_errors(application, granted, amount, reason, deadline)
    if errors:
        raise ops.RuleBroken(errors)
    line = application.line
    if line is None:
        raise ops.RuleBroken(
            {"decision": str(_l("La ligne d'aide au démarrage du projet a été supprimée."))}
        )
    status = LineStatus.GRANTED if granted else LineStatus.REFUSED
    values = _line_values(
        line,
        status=status.value,
        amount_granted=amount if granted else None,
        decided_on=today,
    )
    ops.update_line(line, actor, instructing=True, **values)
    application.status = (ApplicationStatus.GRANTED if granted else ApplicationStatus.REFUSED).value
    application.amount_granted = amount if granted else None
    application.decision_reason = reason
    application.decided_on = today
    application.decided_by_id = actor.id
    if granted:  # the groupement must exist by then, else the aid is due back (aid_followup)
        application.deadline = deadline or today + timedelta(days=DEFAULT_DEADLINE_DAYS)
    db.session.flush()
    if granted:
        summary = _l(
            "a accordé %(a)s d'aide au démarrage (appel « %(c)s »)",
            a=money(amount),
            c=application.call.title,
        )
    else:
        summary = _l("a refusé l'aide au démarrage (appel « %(c)s »)", c=application.call.title)
    _publish("decided", application, actor, summary)
    tell_coordination(
        application, actor, _l("%(who)s %(what)s", who=actor.name, what=summary), detail=reason
    )
    return application


def tell_coordination(application: FundingApplication, actor, text, detail: str = "") -> None:
    """Notify the project's coordinators of a decision or a follow-up step of its aid."""
    project = application.project
    users = [m.user_id for m in coordinators(project)]
    url = ops._index_url(project.id)
    notify(users, "application_decided", project, text, url, actor=actor, detail=detail)


def _decision_errors(application, granted, amount, reason, deadline) -> dict[str, str]:
    if not granted:
        return {} if reason else {"reason": str(_l("Indiquez le motif du refus."))}
    if amount is None:
        return {"amount_granted": str(_l("Indiquez le montant accordé."))}
    if not rules.AID_MIN <= amount <= rules.AID_MAX:
        return {
            "amount_granted": str(_l("L'aide au démarrage est comprise entre 6 000 € et 15 000 €."))
        }
    if deadline is not None and deadline <= date.today():
        return {"deadline": str(_l("La date limite de création du groupement est à venir."))}
    if amount > application.amount:
        return {
            "amount_granted": str(
                _l(
                    "Le montant accordé ne peut dépasser le montant demandé (%(a)s).",
                    a=money(application.amount),
                )
            )
        }
    left = application.call.envelope - granted_total(application.call_id)
    if amount > left:
        return {
            "amount_granted": str(
                _l("L'enveloppe de l'appel n'a plus que %(a)s disponibles.", a=money(left))
            )
        }
    return {}
