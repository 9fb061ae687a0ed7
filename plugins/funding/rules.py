"""Money parsing, status transitions, the start-up aid rules and the cost sharing.

Everything here is exact: amounts are ``Decimal`` with two decimals, never floats.
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from workspace.extensions import db
from workspace.models import Organisation, OrganisationKind
from workspace.plugins import call_hook
from workspace.web.formats import parse_money

from .models import Kind, LineStatus, Purpose

CENT = Decimal("0.01")
MONEY_MAX = Decimal("9999999999.99")  # Numeric(12, 2)
#: No amount of a cooperation project's file comes near this: a typo, not a grant.
AMOUNT_MAX = Decimal("10000000.00")
AID_MIN, AID_MAX = Decimal("6000.00"), Decimal("15000.00")
HUNDRED = Decimal("100.00")

S = LineStatus
#: Allowed status changes (staying in the same status is always allowed).
TRANSITIONS: dict[str, set[str]] = {
    S.PLANNED: {S.REQUESTED, S.REFUSED},
    S.REQUESTED: {S.GRANTED, S.REFUSED, S.PLANNED},
    S.GRANTED: {S.PAID, S.REFUSED, S.REPAYABLE},
    S.PAID: {S.REPAYABLE},
    S.REFUSED: {S.PLANNED, S.REQUESTED},
    S.REPAYABLE: {S.REPAID},
    S.REPAID: set(),
}
#: A new line can start in these statuses (the others come from the flow).
INITIAL = {S.PLANNED, S.REQUESTED, S.GRANTED, S.PAID, S.REFUSED}
#: A line may show an amount paid only in these statuses.
PAID_STATUSES = {S.GRANTED, S.PAID, S.REPAYABLE, S.REPAID}
SETUP_PURPOSES = {Purpose.CONSULTANT, Purpose.AUDIT, Purpose.LEGAL, Purpose.OTHER_SETUP}


def parse_amount(text) -> Decimal:
    """A non-negative amount with at most two decimals that fits the column."""
    raw = str(text or "").strip()
    if not raw:
        raise ValueError(_l("Indiquez un montant."))
    if len(raw) > 30:
        raise ValueError(_l("Montant trop long."))
    if raw.replace(" ", "").replace("\u202f", "").replace("\xa0", "").startswith("-"):
        raise ValueError(_l("Le montant ne peut pas être négatif."))
    try:
        value = parse_money(raw)
    except ValueError:
        raise ValueError(
            _l("Montant invalide : des chiffres et au plus deux décimales (ex. 12 000,50).")
        ) from None
    if value > AMOUNT_MAX:
        raise ValueError(_l("Montant trop élevé : au plus 10 000 000 €."))
    return value


def amount_errors(values: dict, fields) -> dict:
    """Messages for amounts given as numbers (API, operations) outside 0 … AMOUNT_MAX."""
    errors = {}
    for name in fields:
        value = values.get(name)
        if value is not None and not Decimal("0") <= value <= AMOUNT_MAX:
            errors[name] = _l("Montant trop élevé : au plus 10 000 000 €.")
    return errors


_PERCENT = re.compile(r"^\d{1,3}([.,]\d{1,2})?$")


def parse_percent(text) -> Decimal:
    raw = str(text or "").strip().replace("%", "").replace(" ", "").replace("\u202f", "")
    if not _PERCENT.match(raw):
        raise ValueError(_l("Pourcentage invalide : un nombre avec au plus deux décimales."))
    try:
        value = Decimal(raw.replace(",", ".")).quantize(CENT)
    except InvalidOperation:  # pragma: no cover - the regex guards
        raise ValueError(_l("Pourcentage invalide.")) from None
    if value > HUNDRED:
        raise ValueError(_l("Un pourcentage ne dépasse pas 100."))
    return value


def check_keys(percents: list[Decimal]) -> None:
    total = sum(percents, Decimal("0"))
    if total != HUNDRED:
        raise ValueError(
            _l(
                "Les clés de répartition doivent totaliser exactement 100 %% (total actuel : "
                "%(total)s %%).",
                total=str(total).replace(".", ","),
            )
        )


def split(total: Decimal, keys: list[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """Share ``total`` by percentages; rounding remainders go to the largest fractions so that
    the shares add up to the total exactly (largest-remainder method, to the cent)."""
    if not keys:
        return {}
    cents = int((total / CENT).to_integral_value())
    exact = [(key, Decimal(cents) * pct / HUNDRED) for key, pct in keys]
    floors = {key: int(v.to_integral_value(rounding=ROUND_FLOOR)) for key, v in exact}
    left = cents - sum(floors.values())
    order = sorted(exact, key=lambda kv: (kv[1] - floors[kv[0]], kv[1]), reverse=True)
    for key, _v in order[: max(left, 0)]:
        floors[key] += 1
    return {key: (Decimal(c) * CENT).quantize(CENT) for key, c in floors.items()}


def agreement_recorded(project) -> bool:
    """Has a milestone or checklist item recorded the parties' agreement? (through hooks)"""
    return any(call_hook("agreement_recorded", project=project))


def check_line(project, values: dict, line=None, others=()) -> dict[str, str]:
    """French messages by field for a line's new values (empty when everything is fine).

    ``others`` are the project's other funding lines (for the one-aid-per-project rule).
    """
    errors: dict[str, str] = {}
    old = line.status if line is not None else None
    new = values["status"]
    if old is None and new not in INITIAL:
        errors["status"] = _l("Une ligne nouvelle ne peut pas commencer « %(s)s ».", s=S(new).label)
    elif old is not None and new != old and new not in TRANSITIONS[S(old)]:
        errors["status"] = _l(
            "Passage impossible de « %(a)s » à « %(b)s ».", a=S(old).label, b=S(new).label
        )
    granted, paid = values.get("amount_granted"), values.get("amount_paid")
    if new in (S.GRANTED, S.PAID) and granted is None:
        errors["amount_granted"] = _l("Indiquez le montant accordé.")
    if new == S.PAID and paid is None:
        errors["amount_paid"] = _l("Indiquez le montant versé.")
    if paid and (new not in PAID_STATUSES or granted is None):
        errors["amount_paid"] = _l("Rien ne peut être versé avant que le financement soit accordé.")
    elif paid is not None and granted is not None and paid > granted:
        errors["amount_paid"] = _l("Le montant versé ne peut pas dépasser le montant accordé.")
    if values["kind"] == Kind.STARTUP_AID:
        errors.update(_aid_errors(project, values, old, others))
    errors.update(amount_errors(values, ("amount_requested", "amount_granted", "amount_paid")))
    return {k: str(v) for k, v in errors.items()}


def _aid_errors(project, values, old, others) -> dict:
    errors = {}
    funder = db.session.get(Organisation, values.get("funder_id") or 0)
    if funder is not None and funder.kind != OrganisationKind.FUNDER.value:
        errors["funder_id"] = _l(
            "L'aide au démarrage est accordée par un financeur (Conseil départemental, ARS…) : "
            "choisissez une organisation de type « Financeur »."
        )
    bounds = _l("L'aide au démarrage est comprise entre 6 000 € et 15 000 €.")
    if not AID_MIN <= values["amount_requested"] <= AID_MAX:
        errors["amount_requested"] = bounds
    if values.get("amount_granted") is not None and not (
        AID_MIN <= values["amount_granted"] <= AID_MAX
    ):
        errors["amount_granted"] = bounds
    if any(o.kind == Kind.STARTUP_AID for o in others):
        errors["kind"] = _l(
            "Ce projet a déjà une aide au démarrage : elle n'est ni renouvelable ni reconductible."
        )
    purpose = values.get("purpose_category")
    if purpose == Purpose.STUDY:
        errors["purpose_category"] = _l("L'aide au démarrage ne finance pas les études préalables.")
    elif purpose not in SETUP_PURPOSES:
        errors["purpose_category"] = _l(
            "L'aide au démarrage finance une aide extérieure à la mise en place du groupement "
            "(consultant, audit financier, accompagnement juridique…)."
        )
    entering = values["status"] in (S.GRANTED, S.PAID) and old not in (S.GRANTED, S.PAID)
    if entering and not agreement_recorded(project):
        errors["status"] = _l(
            "L'aide au démarrage ne peut être accordée qu'une fois l'accord des parties sur la "
            "création du groupement enregistré (jalon validé ou point de checklist)."
        )
    return errors
