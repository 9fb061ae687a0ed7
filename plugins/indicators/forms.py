"""Indicator forms. Typed values are checked against the indicator's type (values.py)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from workspace.models import Area

from . import status as st
from .models import Decision, Direction, Frequency, Kind
from .values import parse_value

REQUIRED = _l("Ce champ est obligatoire.")


def required():
    return DataRequired(message=REQUIRED)


def max_len(n: int):
    return Length(max=n, message=_l("%(max)d caractères au plus.", max=n))


def date_field(label):
    return DateField(
        label,
        validators=[required()],
        render_kw={"type": "date"},
        format="%Y-%m-%d",
    )


class IndicatorForm(FlaskForm):
    name = StringField(_l("Nom de l'indicateur"), validators=[required(), max_len(200)])
    definition = TextAreaField(_l("Définition"), validators=[Optional(), max_len(5000)])
    area = SelectField(_l("Domaine"), choices=Area.choices)
    kind = SelectField(_l("Type de valeur"), choices=Kind.choices)
    unit = StringField(_l("Unité"), validators=[Optional(), max_len(40)])
    direction = SelectField(_l("Sens"), choices=Direction.choices)
    baseline_value = StringField(_l("Valeur de référence"), validators=[required(), max_len(30)])
    baseline_date = date_field(_l("Date de la référence"))
    target_value = StringField(_l("Valeur cible"), validators=[required(), max_len(30)])
    # No Optional(): it would stop the chain and skip the band check below.
    target_max = StringField(_l("Borne haute de la fourchette"), validators=[max_len(30)])
    target_date = date_field(_l("Date de la cible"))
    steps = TextAreaField(_l("Cibles intermédiaires"), validators=[max_len(2000)])
    frequency = SelectField(_l("Fréquence de mesure"), choices=Frequency.choices)
    source = TextAreaField(
        _l("Source des données / moyen de vérification"), validators=[Optional(), max_len(2000)]
    )
    responsible_org = SelectField(_l("Organisation responsable"), coerce=int)
    breakdown = BooleanField(_l("Ventiler par organisation partenaire"))

    parsed: dict

    def _typed(self, field, optional=False):
        if optional and not (field.data or "").strip():
            return None
        try:
            return parse_value(self.kind.data, field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def validate_baseline_value(self, field):
        self.parsed = getattr(self, "parsed", {})
        self.parsed["baseline_value"] = self._typed(field)

    def validate_target_value(self, field):
        self.parsed = getattr(self, "parsed", {})
        self.parsed["target_value"] = self._typed(field)

    def validate_target_max(self, field):
        self.parsed = getattr(self, "parsed", {})
        value = self._typed(field, optional=True)
        if self.direction.data == Direction.BAND and value is None:
            raise ValidationError(_l("Indiquez la borne haute de la fourchette cible."))
        self.parsed["target_max"] = value if self.direction.data == Direction.BAND else None

    def validate_target_date(self, field):
        if field.data and self.baseline_date.data and field.data <= self.baseline_date.data:
            raise ValidationError(_l("La date de la cible doit suivre la date de la référence."))

    def validate_steps(self, field):
        """One intermediate target per line: ``2026-12-31 ; 24,00``."""
        self.parsed = getattr(self, "parsed", {})
        steps = []
        for line in (field.data or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("\t", ";").split(";")]
            try:
                when = date.fromisoformat(parts[0])
                value = parse_value(self.kind.data, parts[1] if len(parts) > 1 else "")
            except (ValueError, IndexError) as exc:
                raise ValidationError(
                    _l("Ligne « %(line)s » : écrivez AAAA-MM-JJ ; valeur.", line=line[:40])
                ) from exc
            steps.append((when, value))
        if len(steps) > 24:
            raise ValidationError(_l("24 cibles intermédiaires au plus."))
        self.parsed["steps"] = sorted(steps)


class MeasurementForm(FlaskForm):
    period = StringField(_l("Période"), validators=[required(), max_len(10)])
    value = StringField(_l("Valeur"), validators=[required(), max_len(30)])
    comment = TextAreaField(_l("Commentaire"), validators=[Optional(), max_len(5000)])
    evidence_note = StringField(
        _l("Justificatif (référence)"), validators=[Optional(), max_len(500)]
    )
    evidence = FileField(_l("Pièce justificative"))


class MeasurementEditForm(MeasurementForm):
    period = None


REVIEW_CHOICES = [
    (Decision.ACCEPTED.value, _l("Accepter")),
    (Decision.QUESTIONED.value, _l("Poser une question")),
    (Decision.REJECTED.value, _l("Rejeter")),
]


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Décision"), choices=REVIEW_CHOICES)
    text = TextAreaField(_l("Question, motif ou remarque"), validators=[max_len(5000)])

    def validate_text(self, field):
        if self.decision.data == Decision.QUESTIONED and not (field.data or "").strip():
            raise ValidationError(_l("Écrivez la question posée aux directions."))
        if self.decision.data == Decision.REJECTED and not (field.data or "").strip():
            raise ValidationError(_l("Indiquez le motif du rejet."))


class AnswerForm(FlaskForm):
    text = TextAreaField(_l("Réponse"), validators=[required(), max_len(5000)])


OVERRIDE_CHOICES = [("", _l("Statut calculé (pas d'ajustement)"))] + [
    (s, st.LABELS[s]) for s in (st.ON_TRACK, st.AT_RISK_STATUS, st.OFF_TRACK)
]


class OverrideForm(FlaskForm):
    status = SelectField(_l("Statut"), choices=OVERRIDE_CHOICES)
    reason = TextAreaField(_l("Justification"), validators=[max_len(2000)])

    def validate_reason(self, field):
        if self.status.data and not (field.data or "").strip():
            raise ValidationError(_l("Justifiez l'ajustement du statut."))
