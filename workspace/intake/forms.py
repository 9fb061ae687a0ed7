"""The public request form, in French, with a honeypot field that people never see."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, ValidationError

from workspace.forms.fields import max_len, required, strip
from workspace.models import CooperationForm, OrganisationKind

from .models import IntakeRequest, NeedKind

# Who may write in: every kind of organisation but the funders and the Pôle itself.
ASKING_KINDS = [k for k in OrganisationKind if k not in (OrganisationKind.FUNDER,)]


class IntakeForm(FlaskForm):
    need = RadioField(
        _l("Votre situation"),
        choices=NeedKind.choices(),
        validators=[required()],
        default=NeedKind.PROJECT.value,
    )
    organisation = StringField(
        _l("Votre organisation"), filters=[strip], validators=[required(), max_len(200)]
    )
    organisation_kind = SelectField(
        _l("Type d'organisation"),
        choices=[("", _l("— Choisir —")), *((k.value, k.label) for k in ASKING_KINDS)],
        validators=[required()],
    )
    town = StringField(_l("Commune"), filters=[strip], validators=[max_len(120)])
    contact_name = StringField(
        _l("Votre nom"), filters=[strip], validators=[required(), max_len(120)]
    )
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[strip],
        validators=[required(), Email(message=_l("Adresse e-mail invalide.")), max_len(254)],
    )
    phone = StringField(_l("Téléphone (facultatif)"), filters=[strip], validators=[max_len(30)])
    message = TextAreaField(
        _l("Votre besoin"),
        description=_l(
            "Ce que vous envisagez ou vous demandez : mutualiser un service, vous regrouper, "
            "créer un groupement… et où vous en êtes."
        ),
        filters=[strip],
        validators=[required(), max_len(4000)],
    )
    partners = TextAreaField(
        _l("Autres organisations concernées (facultatif)"),
        description=_l("Une par ligne, si d'autres structures sont déjà dans la réflexion."),
        filters=[strip],
        validators=[max_len(1000)],
    )
    consent = BooleanField(
        _l("J'accepte que le Pôle conserve ces informations pour traiter ma demande."),
        validators=[required()],
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by robots.
    website = StringField(_l("Site web"))

    def validate_phone(self, field):
        allowed = set("0123456789 +.-()")
        if field.data and not set(field.data) <= allowed:
            raise ValidationError(_l("Un numéro de téléphone : chiffres, espaces, + . - ( )."))


class ConvertForm(FlaskForm):
    name = StringField(_l("Nom du projet"), filters=[strip], validators=[required(), max_len(200)])
    form = SelectField(_l("Forme de coopération envisagée"), choices=CooperationForm.choices())


def convert_form(asked: IntakeRequest, formdata=None) -> ConvertForm:
    form = ConvertForm(formdata=formdata)
    if formdata is None:
        form.name.data = _("Coopération %(org)s", org=asked.organisation)[:200]
        form.form.data = CooperationForm.PARTENARIAT.value
    return form
