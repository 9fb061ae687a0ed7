"""Forms of the plan: a section's title and hint (French messages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Optional

from workspace.forms.fields import max_len, required, strip

from .models import HINT_MAX, TITLE_MAX, VERSION_NAME_MAX


class SectionForm(FlaskForm):
    title = StringField(
        _l("Titre de la section"), filters=[strip], validators=[required(), max_len(TITLE_MAX)]
    )
    hint = TextAreaField(
        _l("Consigne (ce que la section doit dire)"),
        filters=[strip],
        validators=[Optional(), max_len(HINT_MAX)],
    )
    version = HiddenField()


class VersionForm(FlaskForm):
    name = StringField(
        _l("Nom de la version"),
        filters=[strip],
        validators=[required(), max_len(VERSION_NAME_MAX)],
        render_kw={"placeholder": _l("Version soumise au Pôle")},
    )
