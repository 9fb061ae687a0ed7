"""Core forms (Flask-WTF: CSRF on every one). Messages are French msgids, translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from .models import CooperationForm, Stage

REQUIRED = _l("Ce champ est obligatoire.")


def required():
    return DataRequired(message=REQUIRED)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def max_len(n: int):
    return Length(max=n, message=_l("%(max)d caractères au plus.", max=n))


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[required(), max_len(254)])
    password = PasswordField(_l("Mot de passe"), validators=[required(), max_len(256)])
    remember = BooleanField(_l("Se souvenir de moi"))


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


class EmailOnlyForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[strip],
        validators=[required(), Email(message=_l("Adresse e-mail invalide.")), max_len(254)],
    )


class NewPasswordMixin:
    """A new password typed twice and checked against the password rules."""

    password = PasswordField(_l("Nouveau mot de passe"), validators=[required(), max_len(256)])
    confirm = PasswordField(_l("Confirmer le mot de passe"), validators=[required(), max_len(256)])

    def validate_password(self, field):
        from .security import password_problem

        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_l("Les deux mots de passe ne correspondent pas."))


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class PasswordChangeForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(_l("Mot de passe actuel"), validators=[required(), max_len(256)])


LOCALES = [("fr", "Français"), ("en", "English")]


class ProfileForm(FlaskForm):
    name = StringField(_l("Nom affiché"), validators=[required(), max_len(120)])
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    locale = SelectField(_l("Langue de l'interface"), choices=LOCALES)

    def validate_name(self, field):
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(REQUIRED)
