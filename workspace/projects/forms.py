"""The project form: creation and settings (French messages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from workspace.forms.fields import max_len, required
from workspace.models import CooperationForm, Stage


class ProjectForm(FlaskForm):
    name = StringField(_l("Nom du projet"), validators=[required(), max_len(200)])
    form = SelectField(_l("Forme de coopération"), choices=CooperationForm.choices)
    stage = SelectField(_l("Étape"), choices=Stage.choices)
    summary = TextAreaField(_l("Résumé"), validators=[Optional(), max_len(5000)])
    territory = StringField(_l("Territoire"), validators=[Optional(), max_len(200)])
    start_date = DateField(_l("Date de début"), validators=[Optional()], render_kw={"type": "date"})
    end_date = DateField(_l("Fin prévue"), validators=[Optional()], render_kw={"type": "date"})
    partners = SelectMultipleField(
        _l("Organisations partenaires"), coerce=int, validators=[Optional()]
    )

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("La fin prévue doit suivre la date de début."))
