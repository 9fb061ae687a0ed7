"""Forms of sign-in, password reset and change, and the profile (Flask-WTF: CSRF on each)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, ValidationError

from workspace.forms.fields import REQUIRED, max_len, required, strip


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[required(), max_len(254)])
    password = PasswordField(_l("Mot de passe"), validators=[required(), max_len(256)])
    remember = BooleanField(_l("Se souvenir de moi"))


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
        from workspace.auth.credentials import password_problem

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
