"""Personal access tokens on the profile page: create (the secret is shown once), revoke."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from workspace.api.auth import TOKEN_PREFIX
from workspace.api.blueprints import ui_bp
from workspace.api.models import TOKEN_NAME_MAX, ApiToken
from workspace.auth.credentials import token_hash
from workspace.extensions import db
from workspace.models import utcnow
from workspace.web.feedback import toast

EXPIRY_CHOICES = [
    ("30", _l("30 jours")),
    ("90", _l("90 jours")),
    ("365", _l("1 an")),
    ("never", _l("Jamais")),
]


class TokenForm(FlaskForm):
    name = StringField(
        _l("Nom du jeton"),
        filters=[lambda s: s.strip() if isinstance(s, str) else s],
        validators=[
            DataRequired(message=_l("Ce champ est obligatoire.")),
            Length(max=TOKEN_NAME_MAX, message=_l("%(max)d caractères au plus.")),
        ],
        render_kw={"maxlength": TOKEN_NAME_MAX, "placeholder": _l("Tableur de suivi")},
    )
    scope = SelectField(
        _l("Droits"),
        choices=[
            ("read", _l("Lecture seule")),
            ("write", _l("Lecture et écriture (selon votre rôle)")),
        ],
        default="read",
    )
    expires = SelectField(_l("Expiration"), choices=EXPIRY_CHOICES, default="90")


def tokens_of(user) -> list[ApiToken]:
    """The user's tokens that still work or expired recently (template helper)."""
    return list(
        db.session.scalars(
            db.select(ApiToken)
            .filter_by(user_id=user.id, revoked_at=None)
            .order_by(ApiToken.created_at.desc())
        )
    )


def create_token(user, name: str, scope: str, days: int | None) -> tuple[ApiToken, str]:
    """A new token and its secret (returned once; only the hash is stored)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        scope=scope,
        token_hash=token_hash(secret),
        prefix=secret[:10],
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


@ui_bp.route("/profile/tokens/new")
@login_required
def new_token():
    return render_template("api/token_new.html", form=TokenForm())


@ui_bp.route("/profile/tokens", methods=["POST"])
@login_required
def create():
    form = TokenForm()
    if not form.validate():
        return render_template("api/token_new.html", form=form), 400
    days = None if form.expires.data == "never" else int(form.expires.data)
    token, secret = create_token(current_user, form.name.data, form.scope.data, days)
    db.session.commit()
    page = render_template("api/token_created.html", token=token, secret=secret)
    return page, 201, {"Cache-Control": "no-store"}


@ui_bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id) if token_id < 2**31 else None
    if token is None or token.user_id != current_user.id or token.revoked_at is not None:
        abort(404)
    token.revoked_at = utcnow()
    db.session.commit()
    toast(_("Jeton « %(name)s » révoqué.", name=token.name))
    return redirect(url_for("account.profile") + "#tokens")
