"""After a grant: payments, the justification of spending, the groupement's creation by the
deadline — else the aid is due back, with a reminder before (a daily periodic job).

The funder's staff record each step on the application's page; the project's start-up aid
line follows (Accordé → Versé → À rembourser → Remboursé) through :func:`ops.update_line`,
and each step is in the project's activity log.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from workspace.extensions import db
from workspace.jobs.periodic import periodic
from workspace.notifications.center import notify
from workspace.operations import coordinators
from workspace.web.formats import long_date, money

from . import operations as ops
from .application_ops import (
    DEFAULT_DEADLINE_DAYS,
    _journal,
    _line_values,
    _publish,
    application_url,
    tell_coordination,
)
from .applications import ApplicationStatus, FundingApplication, FundingPayment
from .calls import funder_staff
from .models import LineStatus

#: The coordination and the funder are reminded this many days before the deadline.
REMIND_DAYS = 30


def default_deadline(decided_on: date) -> date:
    return decided_on + timedelta(days=DEFAULT_DEADLINE_DAYS)


def _granted(application: FundingApplication):
    """The application's line, when the aid was granted and the line is still there."""
    if application.status != ApplicationStatus.GRANTED.value or application.line is None:
        raise ops.RuleBroken({"on": str(_l("Ce suivi concerne une aide accordée."))})
    return application.line


def record_payment(application: FundingApplication, actor, amount: Decimal, paid_on: date):
    """One instalment: the line becomes « Versé » with the total paid so far."""
    line = _granted(application)
    if line.status not in (LineStatus.GRANTED.value, LineStatus.PAID.value):
        raise ops.RuleBroken({"amount": str(_l("L'aide n'est plus à verser."))})
    if amount is None or amount <= 0:
        raise ops.RuleBroken({"amount": str(_l("Indiquez le montant versé."))})
    total = application.paid + amount
    if total > application.amount_granted:
        raise ops.RuleBroken(
            {
                "amount": str(
                    _l(
                        "Les versements dépasseraient le montant accordé (%(a)s).",
                        a=money(application.amount_granted),
                    )
                )
            }
        )
    application.payments.append(
        FundingPayment(amount=amount, paid_on=paid_on, recorded_by_id=actor.id)
    )
    last = max(paid_on, line.paid_on) if line.paid_on else paid_on
    values = _line_values(line, status=LineStatus.PAID.value, amount_paid=total, paid_on=last)
    ops.update_line(line, actor, instructing=True, **values)
    _publish(
        "paid",
        application,
        actor,
        _l("a versé %(a)s d'aide au démarrage", a=money(amount)),
    )
    tell_coordination(application, actor, _l("Versement de %(a)s reçu", a=money(amount)))


def mark_justified(application: FundingApplication, actor, on: date) -> None:
    _granted(application)
    application.justified_on = on
    _publish("justified", application, actor, _l("a accepté la justification des dépenses"))


def record_groupement(application: FundingApplication, actor, on: date, today: date) -> None:
    """The groupement exists (its convention signed): the aid is no longer due back."""
    _granted(application)
    if on > today:
        raise ops.RuleBroken({"on": str(_l("La date ne peut pas être dans le futur."))})
    application.groupement_created_on = on
    _publish(
        "groupement",
        application,
        actor,
        _l("a enregistré la création du groupement le %(d)s", d=long_date(on)),
    )


def record_repayment(application: FundingApplication, actor, on: date) -> None:
    line = _granted(application)
    if line.status != LineStatus.REPAYABLE.value:
        raise ops.RuleBroken({"on": str(_l("L'aide n'est pas à rembourser."))})
    ops.update_line(line, actor, instructing=True, **_line_values(line, status="repaid"))
    _publish(
        "repaid",
        application,
        actor,
        _l("a enregistré le remboursement de l'aide le %(d)s", d=long_date(on)),
    )


def _watched() -> list[FundingApplication]:
    """Granted aids whose groupement is not recorded yet, still granted or paid."""
    return list(
        db.session.scalars(
            db.select(FundingApplication)
            .filter_by(status=ApplicationStatus.GRANTED.value, groupement_created_on=None)
            .where(FundingApplication.deadline.is_not(None))
        )
    )


def check_deadlines(today: date) -> tuple[int, int]:
    """Remind before the deadline; past it, the aid becomes due back. ``(reminded, due)``."""
    reminded = due = 0
    for application in _watched():
        line = application.line
        if line is None or line.status not in (LineStatus.GRANTED.value, LineStatus.PAID.value):
            continue
        project, deadline = application.project, application.deadline
        if deadline < today:
            values = _line_values(line, status=LineStatus.REPAYABLE.value)
            ops.update_line(line, None, instructing=True, **values)
            text = _l(
                "Le groupement n'a pas été créé avant le %(d)s : l'aide au démarrage de "
                "« %(p)s » est à rembourser",
                d=long_date(deadline),
                p=project.name,
            )
            _publish("due", application, None, text)
            users = [m.user_id for m in coordinators(project)] + funder_staff(application.call)
            notify(users, "aid_repayable", project, text, application_url(application))
            due += 1
        elif deadline - timedelta(days=REMIND_DAYS) <= today and application.reminded_on is None:
            text = _l(
                "Rappel : le groupement de « %(p)s » doit être créé avant le %(d)s, sinon "
                "l'aide au démarrage sera à rembourser",
                p=project.name,
                d=long_date(deadline),
            )
            users = [m.user_id for m in coordinators(project)] + funder_staff(application.call)
            notify(users, "aid_repayable", project, text, ops._index_url(project.id))
            _journal(application, None, _l("Rappel envoyé : %(t)s", t=text))
            application.reminded_on = today
            reminded += 1
    db.session.flush()
    return reminded, due


@periodic("funding-deadlines", every=24 * 3600)
def daily_deadlines() -> tuple[int, int]:
    result = check_deadlines(date.today())
    db.session.commit()
    return result
