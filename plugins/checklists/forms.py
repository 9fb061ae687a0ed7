"""Forms of the checklists (Flask-WTF: CSRF on every one); messages are French msgids."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from workspace.extensions import db
from workspace.models import Membership, Organisation, User

from .models import JUSTIFICATION_MAX, LABEL_MAX, TEXT_MAX, URL_MAX, Status

CHOICE_ERROR = _l("Choix invalide.")


def max_len(n: int):
    return Length(max=n, message=_l("%(max)d caractères au plus.", max=n))


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class OptionalIdField(SelectField):
    """A select of ids with an empty choice; refuses values outside the choices in French."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", _optional_int)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = _optional_int(valuelist[0])
            except (TypeError, ValueError):
                self.data = None
                raise ValueError(CHOICE_ERROR) from None

    def pre_validate(self, form):
        allowed = {_optional_int(v) for v, _label in self.choices}
        if self.data not in allowed:
            raise ValidationError(CHOICE_ERROR)


class ItemForm(FlaskForm):
    label = StringField(
        _l("Intitulé"),
        validators=[DataRequired(message=_l("Ce champ est obligatoire.")), max_len(LABEL_MAX)],
    )
    help = TextAreaField(_l("Aide"), validators=[Optional(), max_len(TEXT_MAX)])
    status = SelectField(_l("Statut"), choices=Status.choices, validate_choice=False)
    justification = TextAreaField(
        _l("Justification (si non applicable)"),
        validators=[Optional(), max_len(JUSTIFICATION_MAX)],
        render_kw={"rows": 2},
    )
    responsible_org_id = OptionalIdField(_l("Organisation responsable"))
    responsible_id = OptionalIdField(_l("Personne responsable"))
    due_date = DateField(
        _l("Échéance"),
        validators=[Optional()],
        render_kw={"type": "date"},
    )
    evidence_url = StringField(
        _l("Lien vers une preuve"),
        validators=[Optional(), max_len(URL_MAX)],
        render_kw={"type": "url", "placeholder": "https://"},
    )
    evidence_file = FileField(_l("Document de preuve"))
    remove_file = BooleanField(_l("Retirer le document actuel"))
    note = TextAreaField(_l("Note"), validators=[Optional(), max_len(TEXT_MAX)])
    milestone_id = OptionalIdField(_l("Jalon lié"))
    agreement = BooleanField(_l("Cet élément enregistre l'accord des parties"))

    def validate_status(self, field):
        if field.data not in {s.value for s in Status}:
            raise ValidationError(_l("Statut inconnu."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Checked here, not in a field validator: Optional() stops the chain on empty input.
        missing = not (self.justification.data or "").strip()
        if self.status.data == Status.NON_APPLICABLE.value and missing:
            self.justification.errors = [
                *self.justification.errors,
                _l("« Non applicable » demande une courte justification."),
            ]
            return False
        return ok

    def validate_evidence_url(self, field):
        value = (field.data or "").strip()
        field.data = value
        if not value:
            return
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
            raise ValidationError(_l("Adresse web invalide : elle doit commencer par https://."))


def fill_choices(form: ItemForm, project, milestones: list) -> None:
    """People and organisations of the project; the milestones offered by the hook."""
    empty = [("", "—")]
    members = db.session.scalars(
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project.id, Membership.role != "funder")
        .order_by(User.name)
    ).all()
    form.responsible_id.choices = empty + [(u.id, u.name) for u in members]
    org_ids = {o.id for o in project.partners} | {u.organisation_id for u in members}
    orgs = db.session.scalars(
        db.select(Organisation).where(Organisation.id.in_(org_ids)).order_by(Organisation.name)
    ).all()
    form.responsible_org_id.choices = empty + [(o.id, o.name) for o in orgs]
    form.milestone_id.choices = empty + [(mid, title) for mid, title in milestones]
