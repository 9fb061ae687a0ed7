"""Funding forms. Amounts are typed the French way (``12 000,50``) and parsed exactly."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from workspace.extensions import db
from workspace.forms.fields import max_len, optional_int, required
from workspace.models import Organisation, OrganisationKind

from .models import NAME_MAX, TEXT_MAX, BudgetCategory, Kind, LineStatus, Purpose
from .rules import parse_amount


class MoneyField(StringField):
    """A text field whose ``data`` is a Decimal (or None when left empty and optional)."""

    def __init__(self, label=None, validators=None, optional=False, **kw):
        kw.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kw)
        self.optional = optional

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not self.raw:
            if not self.optional:
                self.process_errors.append(str(_l("Indiquez un montant.")))
            return
        try:
            self.data = parse_amount(self.raw)
        except ValueError as exc:
            self.process_errors.append(str(exc))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:.2f}".replace(".", ",")


def _date(label):
    return DateField(label, validators=[Optional()], render_kw={"type": "date"})


class LineForm(FlaskForm):
    funder_id = SelectField(
        _l("Financeur (organisation)"),
        coerce=optional_int,
        validators=[required()],  # choices: see offer()
    )
    kind = SelectField(_l("Type de financement"), choices=Kind.choices)
    status = SelectField(_l("Statut"), choices=LineStatus.choices)
    purpose_category = SelectField(_l("Objet"), choices=Purpose.choices)
    purpose = TextAreaField(
        _l("Précisions sur l'objet"), validators=[Optional(), max_len(TEXT_MAX)]
    )
    amount_requested = MoneyField(_l("Montant demandé (€)"))
    amount_granted = MoneyField(_l("Montant accordé (€)"), optional=True)
    amount_paid = MoneyField(_l("Montant versé (€)"), optional=True)
    requested_on = _date(_l("Date de la demande"))
    decided_on = _date(_l("Date de la décision"))
    paid_on = _date(_l("Date du versement"))

    def offer(self, project, others) -> None:
        """Fill the choices: no funder preselected, the funders first (a partner organisation
        only funds through its own contribution); a second start-up aid is not offered
        (``others``: the project's other lines) and a new line then defaults to a grant."""
        orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
        partners = {o.id for o in project.partners}
        groups = {
            _l("Financeurs"): [o for o in orgs if o.kind == OrganisationKind.FUNDER.value],
            _l("Partenaires du projet"): [o for o in orgs if o.id in partners],
        }
        grouped = {o.id for group in groups.values() for o in group}
        groups[_l("Autres organisations")] = [o for o in orgs if o.id not in grouped]
        self.funder_id.choices = {
            None: [("", _l("— Choisissez l'organisation —"))],
            **{str(k): [(o.id, o.name) for o in v] for k, v in groups.items() if v},
        }
        self.funder_id.invalid_choice_message = _l("Organisation inconnue.")
        if any(line.kind == Kind.STARTUP_AID for line in others):
            self.kind.choices = [
                (value, _l("%(kind)s (déjà demandée)", kind=label), {"disabled": True})
                if value == Kind.STARTUP_AID
                else (value, label)
                for value, label in Kind.choices()
            ]
            if not self.is_submitted() and self.kind.data in (None, Kind.STARTUP_AID):
                self.kind.data = Kind.OPERATING.value

    def values(self) -> dict:
        return {
            "funder_id": self.funder_id.data,
            "kind": self.kind.data,
            "status": self.status.data,
            "purpose_category": self.purpose_category.data,
            "purpose": (self.purpose.data or "").strip(),
            "amount_requested": self.amount_requested.data,
            "amount_granted": self.amount_granted.data,
            "amount_paid": self.amount_paid.data,
            "requested_on": self.requested_on.data,
            "decided_on": self.decided_on.data,
            "paid_on": self.paid_on.data,
        }


class ExpenseForm(FlaskForm):
    spent_on = DateField(_l("Date"), validators=[required()], render_kw={"type": "date"})
    supplier = StringField(_l("Fournisseur"), validators=[required(), max_len(NAME_MAX)])
    description = StringField(_l("Description"), validators=[Optional(), max_len(500)])
    amount = MoneyField(_l("Montant (€)"))


class BudgetItemForm(FlaskForm):
    category = SelectField(_l("Catégorie"), choices=BudgetCategory.choices)
    label = StringField(_l("Libellé"), validators=[required(), max_len(NAME_MAX)])
    amount = MoneyField(_l("Montant prévu (€)"))
    partner_id = SelectField(_l("Pris en charge par"), coerce=int)


class CriteriaForm(FlaskForm):
    complexity = TextAreaField(
        _l("Complexité et taille du projet"), validators=[Optional(), max_len(TEXT_MAX)]
    )
    economies = TextAreaField(_l("Économies d'échelle"), validators=[Optional(), max_len(TEXT_MAX)])
    service = TextAreaField(
        _l("Amélioration du service rendu aux personnes"),
        validators=[Optional(), max_len(TEXT_MAX)],
    )
