"""Milestone forms (Flask-WTF, CSRF on each). Limits match the columns."""

from __future__ import annotations

from urllib.parse import urlparse

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from workspace.forms.fields import max_len, required
from workspace.models import Area, Stage

from .models import TEXT_MAX, TITLE_MAX, URL_MAX


class OptionalSelect(SelectField):
    """A select whose empty choice stands for None (an unset column)."""

    def process_data(self, value):
        super().process_data("" if value is None else value)


def _area_choices():
    return [("", _l("Aucun domaine")), *Area.choices()]


def _stage_choices():
    return [("", _l("Aucune étape")), *Stage.choices()]


class MilestoneForm(FlaskForm):
    title = StringField(_l("Titre"), validators=[required(), max_len(TITLE_MAX)])
    description = TextAreaField(_l("Description"), validators=[Optional(), max_len(TEXT_MAX)])
    area = OptionalSelect(_l("Domaine"), choices=_area_choices, default="")
    planned_date = DateField(_l("Date prévue"), validators=[Optional()], render_kw={"type": "date"})
    closes_stage = OptionalSelect(
        _l("Étape du parcours qu'il clôt"), choices=_stage_choices, default=""
    )
    deliverables = TextAreaField(
        _l("Livrables attendus"), validators=[Optional(), max_len(TEXT_MAX)]
    )
    is_agreement = BooleanField(
        _l("Ce jalon acte l'accord des parties sur la création du groupement")
    )

    def validate_title(self, field):
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Ce champ est obligatoire."))

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "description": (self.description.data or "").strip(),
            "area": self.area.data or None,
            "planned_date": self.planned_date.data,
            "closes_stage": self.closes_stage.data or None,
            "deliverables": (self.deliverables.data or "").strip(),
            "is_agreement": bool(self.is_agreement.data),
        }


class SubmitForm(FlaskForm):
    message = TextAreaField(_l("Message au conseiller"), validators=[required(), max_len(TEXT_MAX)])


class ValidateForm(FlaskForm):
    reason = TextAreaField(
        _l("Commentaire (facultatif)"), validators=[Optional(), max_len(TEXT_MAX)]
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Motif"), validators=[required(), max_len(TEXT_MAX)])


class LinkForm(FlaskForm):
    url = StringField(_l("Adresse du lien"), validators=[required(), max_len(URL_MAX)])
    label = StringField(_l("Libellé"), validators=[Optional(), max_len(TITLE_MAX)])

    def validate_url(self, field):
        field.data = (field.data or "").strip()
        parsed = urlparse(field.data)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValidationError(_l("Saisissez une adresse commençant par https:// ou http://."))
