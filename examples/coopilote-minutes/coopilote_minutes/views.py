"""The « Comptes rendus » tab: the list, the live fragment and the form."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from workspace.extensions import db, htmx
from workspace.permissions import requires
from workspace.web.feedback import toast

from . import operations as ops
from .models import BODY_MAX, TITLE_MAX, Meeting

bp = Blueprint("minutes", __name__, template_folder="templates")


class MeetingForm(FlaskForm):
    title = StringField(
        _l("Titre"),
        validators=[
            DataRequired(_l("Donnez un titre au compte rendu.")),
            Length(max=TITLE_MAX, message=_l("200 caractères au plus.")),
        ],
    )
    held_on = DateField(
        _l("Date de la réunion"), validators=[DataRequired(_l("Indiquez une date valide."))]
    )
    body = TextAreaField(
        _l("Compte rendu"), validators=[Length(max=BODY_MAX, message=_l("Texte trop long."))]
    )


def _meetings(project_id: int) -> list[Meeting]:
    return list(
        db.session.scalars(
            db.select(Meeting)
            .filter_by(project_id=project_id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )


@bp.route("/")
@requires("minutes.view")
def index(project_id: int):
    return render_template("minutes/index.html", meetings=_meetings(project_id), form=MeetingForm())


@bp.route("/list")
@requires("minutes.view")
def list_fragment(project_id: int):
    """Refetched by each client on a ``minutes:*`` notice (``data-live``)."""
    return render_template("minutes/_list.html", meetings=_meetings(project_id))


@bp.route("/", methods=["POST"])
@requires("minutes.edit")
def create(project_id: int):
    form = MeetingForm()
    if not form.validate_on_submit():
        page = render_template("minutes/index.html", meetings=_meetings(project_id), form=form)
        return page, 400
    ops.record_meeting(
        g.project, current_user, form.title.data.strip(), form.held_on.data, form.body.data or ""
    )
    db.session.commit()
    toast(_l("Compte rendu ajouté."))
    target = url_for("minutes.index", project_id=project_id)
    if htmx:
        return "", 204, {"HX-Redirect": target}
    return redirect(target)
