"""Forms of the members page, invitations and project closing (French messages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField
from wtforms.validators import Email, InputRequired, ValidationError

from workspace.auth.forms import NewPasswordMixin
from workspace.forms.fields import max_len, optional_int, required, strip
from workspace.models import OrganisationKind, Role

NEW_ORG = 0


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[strip],
        validators=[required(), Email(message=_l("Adresse e-mail invalide.")), max_len(254)],
    )
    role = SelectField(_l("Rôle"), choices=Role.choices)
    coordinator = BooleanField(_l("Coordination du projet (direction partenaire seulement)"))

    def validate_coordinator(self, field):
        if field.data and self.role.data != "director":
            raise ValidationError(_l("Seule une direction partenaire peut coordonner le projet."))


class MemberForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=Role.choices)
    coordinator = BooleanField(_l("Coordination"))

    def validate_coordinator(self, field):
        if field.data and self.role.data != "director":
            raise ValidationError(_l("Seule une direction partenaire peut coordonner le projet."))


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    """Creates the account of an invited person who has none yet."""

    name = StringField(_l("Nom affiché"), validators=[required(), max_len(120)])
    organisation = SelectField(
        _l("Organisation"),
        coerce=optional_int,
        validate_choice=True,
        validators=[
            InputRequired(
                message=_l(
                    "Choisissez votre organisation, ou « Autre organisation » pour la créer."
                )
            )
        ],
    )
    new_organisation = StringField(_l("Nom de la nouvelle organisation"), validators=[max_len(200)])
    new_organisation_kind = SelectField(
        _l("Type de la nouvelle organisation"), choices=OrganisationKind.choices
    )

    def validate_name(self, field):
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Ce champ est obligatoire."))

    def validate_new_organisation(self, field):
        from workspace.extensions import db
        from workspace.models import Organisation

        field.data = (field.data or "").strip()
        if self.organisation.data != NEW_ORG:
            return
        if not field.data:
            raise ValidationError(
                _l("Choisissez votre organisation dans la liste ou indiquez son nom.")
            )
        clash = db.session.scalar(
            db.select(Organisation).where(db.func.lower(Organisation.name) == field.data.lower())
        )
        if clash is not None:
            raise ValidationError(
                _l("Cette organisation existe déjà : choisissez-la dans la liste.")
            )


class ArchiveForm(FlaskForm):
    groupement_created = RadioField(
        _l("Le groupement a-t-il été créé ?"),
        choices=[("yes", _l("Oui, le groupement a été créé")), ("no", _l("Non"))],
        validators=[required()],
    )
