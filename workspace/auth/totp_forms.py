"""Forms of the TOTP second factor (sign-in code step, enrolment, recovery codes, disabling)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from workspace.forms.fields import max_len, required

CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "off",
    "spellcheck": "false",
    "maxlength": 40,
    "class": "code-input",
}


def code_field(label, numeric: bool = False) -> StringField:
    attrs = {**CODE_ATTRS, "inputmode": "numeric"} if numeric else CODE_ATTRS
    return StringField(label, validators=[required(), max_len(40)], render_kw=attrs)


class SignInCodeForm(FlaskForm):
    """The second sign-in step: a code of the app or a recovery code."""

    code = code_field(_l("Code de vérification"))


class EnrolForm(FlaskForm):
    code = code_field(_l("Code à 6 chiffres"), numeric=True)


class RegenerateForm(FlaskForm):
    code = code_field(_l("Code à 6 chiffres de votre application"), numeric=True)


class DisableForm(FlaskForm):
    password = PasswordField(_l("Mot de passe"), validators=[required(), max_len(256)])
    code = code_field(_l("Code à 6 chiffres ou code de secours"))
