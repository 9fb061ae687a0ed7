"""Site administration forms: organisations and accounts (French messages)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, ValidationError

from workspace.extensions import db
from workspace.forms.fields import max_len, required, strip
from workspace.models import Organisation, OrganisationKind, User

LA_POSTE_SIREN = "356000000"


def siret_ok(siret: str) -> bool:
    """14 digits passing the Luhn check (La Poste's establishments use a digit sum rule)."""
    if not re.fullmatch(r"\d{14}", siret):
        return False
    total = 0
    for i, c in enumerate(reversed(siret)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    if total % 10 == 0:
        return True
    return siret.startswith(LA_POSTE_SIREN) and sum(int(c) for c in siret) % 5 == 0


class OrganisationForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[required(), max_len(200)])
    kind = SelectField(_l("Type"), choices=OrganisationKind.choices)
    town = StringField(_l("Commune"), validators=[max_len(120)])
    color = StringField(
        _l("Couleur"), default="#4f6d7a", validators=[required()], render_kw={"type": "color"}
    )
    siret = StringField(_l("SIRET"), validators=[max_len(20)])

    def __init__(self, *args, current: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def validate_name(self, field):
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Ce champ est obligatoire."))
        clash = db.session.scalar(
            db.select(Organisation).where(db.func.lower(Organisation.name) == field.data.lower())
        )
        if clash is not None and clash is not self.current:
            raise ValidationError(_l("Une organisation porte déjà ce nom."))

    def validate_color(self, field):
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", field.data or ""):
            raise ValidationError(_l("Couleur invalide : format #rrggbb attendu."))

    def validate_siret(self, field):
        field.data = re.sub(r"\s", "", field.data or "")
        if not field.data:
            return
        if not re.fullmatch(r"\d{14}", field.data):
            raise ValidationError(_l("Le SIRET compte exactement 14 chiffres."))
        if not siret_ok(field.data):
            raise ValidationError(_l("Ce SIRET n'est pas valide (clé de contrôle incorrecte)."))


# User.may_create_projects ↔ the form's choice.
CREATION_CHOICE = {None: "", True: "yes", False: "no"}


class UserForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[strip],
        validators=[required(), Email(message=_l("Adresse e-mail invalide.")), max_len(254)],
    )
    name = StringField(_l("Nom affiché"), validators=[required(), max_len(120)])
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    active = BooleanField(_l("Compte actif"), default=True)
    is_admin = BooleanField(_l("Administration du site"))
    project_creation = SelectField(
        _l("Création de projets"),
        choices=[
            ("", _l("Selon le type de son organisation")),
            ("yes", _l("Autorisée")),
            ("no", _l("Refusée")),
        ],
        default="",
    )
    password = PasswordField(_l("Nouveau mot de passe"), validators=[max_len(256)])

    def __init__(self, *args, current: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.organisation_id.choices = [
            (o.id, o.name) for o in db.session.scalars(db.select(Organisation).order_by("name"))
        ]
        if current is not None and not self.project_creation.raw_data:
            # not posted (a GET, or a form without it): show and keep the stored choice
            self.project_creation.data = CREATION_CHOICE[current.may_create_projects]

    def validate_email(self, field):
        field.data = (field.data or "").strip().lower()
        clash = db.session.scalar(db.select(User).where(db.func.lower(User.email) == field.data))
        if clash is not None and clash is not self.current:
            raise ValidationError(_l("Un compte existe déjà avec cette adresse."))

    def validate_name(self, field):
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Ce champ est obligatoire."))

    def validate_password(self, field):
        from workspace.auth.credentials import password_problem

        if not field.data:
            if self.current is None:
                raise ValidationError(_l("Ce champ est obligatoire."))
            return
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)
