"""Board forms (Flask-WTF: CSRF on every one). Every message is French and translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError

from workspace.forms.fields import REQUIRED, max_len, optional_int, required
from workspace.models import Area

from .models import (
    COLUMN_NAME_MAX,
    DESCRIPTION_MAX,
    LABEL_MAX,
    SUBITEM_MAX,
    TEMPLATE_NAME_MAX,
    TITLE_MAX,
    Priority,
)

INVALID_CHOICE = _l("Choix invalide.")
INVALID_DATE = _l("Date invalide : utilisez le format jj/mm/aaaa.")


class Choice(SelectField):
    """A select whose errors are French and whose value must be one of its choices."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(INVALID_CHOICE)) from exc

    def pre_validate(self, form):
        # "" stands for "none" in the choices; its coerced value is None.
        allowed = {None if c[0] == "" else c[0] for c in self.choices}
        if self.data not in allowed and not (self.data == "" and None in allowed):
            raise ValidationError(INVALID_CHOICE)


class Choices(SelectMultipleField):
    """Several values among the choices, French errors."""

    def process_formdata(self, valuelist):
        try:
            self.data = [self.coerce(v) for v in valuelist]
        except (ValueError, TypeError) as exc:
            raise ValueError(str(INVALID_CHOICE)) from exc

    def pre_validate(self, form):
        allowed = {c[0] for c in self.choices}
        if any(v not in allowed for v in self.data or []):
            raise ValidationError(self.invalid_message or INVALID_CHOICE)

    invalid_message = None


class FrDate(DateField):
    """A date (``<input type=date>`` sends ISO; dd/mm/yyyy is accepted too)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, validators or [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(INVALID_DATE)) from exc


class FrInt(IntegerField):
    """An integer with a French message for anything else."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(_l("Nombre entier attendu."))) from exc


class TaskForm(FlaskForm):
    title = StringField(_l("Titre"), validators=[required(), max_len(TITLE_MAX)])
    column_id = Choice(_l("Colonne"), coerce=optional_int)
    description = TextAreaField(
        _l("Description"), validators=[Optional(), max_len(DESCRIPTION_MAX)]
    )
    area = Choice(_l("Domaine"), choices=[("", _l("Aucun")), *Area.choices()])
    organisation_id = Choice(_l("Organisation responsable"), coerce=optional_int)
    assignees = Choices(_l("Personnes assignées"), coerce=int)
    labels = Choices(_l("Étiquettes"), coerce=int)
    priority = Choice(_l("Priorité"), choices=Priority.choices(), default="normale")
    start_date = FrDate(_l("Début"))
    due_date = FrDate(_l("Échéance"))
    milestone_id = Choice(_l("Jalon"), coerce=optional_int)

    def __init__(self, *args, members=(), partners=(), labels=(), milestones=(), columns=(), **kw):
        super().__init__(*args, **kw)
        self.assignees.choices = [(u.id, u.name) for u in members]
        self.assignees.invalid_message = _l("Une personne assignée n'est pas membre du projet.")
        self.organisation_id.choices = [("", _l("Aucune"))] + [(o.id, o.name) for o in partners]
        self.labels.choices = [(lb.id, lb.name) for lb in labels]
        self.milestone_id.choices = [("", _l("Aucun")), *milestones]
        self.column_id.choices = [(c.id, c.name) for c in columns]

    def validate_title(self, field):
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Ce champ est obligatoire."))

    def validate_due_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("L'échéance ne peut pas précéder le début."))


class QuickTaskForm(FlaskForm):
    """The one-line "add a card" form at the bottom of a column."""

    title = StringField(_l("Titre"), validators=[required(), max_len(TITLE_MAX)])

    def validate_title(self, field):
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Ce champ est obligatoire."))


class MoveForm(FlaskForm):
    column_id = FrInt(_l("Colonne"), validators=[InputRequired(message=REQUIRED)])
    position = FrInt(_l("Position"), validators=[Optional()])
    confirm = BooleanField(_l("Dépasser la limite"))

    def validate_position(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError(_l("Position hors limites."))


class SubItemForm(FlaskForm):
    title = StringField(_l("Sous-tâche"), validators=[required(), max_len(SUBITEM_MAX)])


class ColumnForm(FlaskForm):
    name = StringField(_l("Nom de la colonne"), validators=[required(), max_len(COLUMN_NAME_MAX)])
    wip_limit = FrInt(
        _l("Limite de tâches en cours"),
        validators=[
            Optional(),
            NumberRange(min=1, max=999, message=_l("Un nombre entre 1 et 999.")),
        ],
    )
    done = BooleanField(_l("Colonne des tâches terminées"))

    def validate_name(self, field):
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Ce champ est obligatoire."))


class LabelForm(FlaskForm):
    name = StringField(_l("Nom de l'étiquette"), validators=[required(), max_len(LABEL_MAX)])
    color = StringField(
        _l("Couleur"),
        default="#5a6877",
        validators=[Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Couleur invalide."))],
        render_kw={"type": "color"},
    )


class TemplateForm(FlaskForm):
    name = StringField(_l("Nom du modèle"), validators=[required(), max_len(TEMPLATE_NAME_MAX)])
