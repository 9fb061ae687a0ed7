"""Funding forms. Amounts are typed the French way (``12 000,50``) and parsed exactly."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from workspace.forms.fields import max_len, required

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
    funder_id = SelectField(_l("Financeur (organisation)"), coerce=int)
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
