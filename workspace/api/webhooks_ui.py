"""The webhooks page of a project (coordinators): add, edit, pause, delete, test, delivery log."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from workspace.api.blueprints import ui_bp
from workspace.api.models import URL_MAX, Webhook, WebhookDelivery
from workspace.api.ssrf import UnsafeUrl, check_url
from workspace.api.webhooks import EVENT_GROUPS, new_secret, queue
from workspace.extensions import db
from workspace.models import utcnow
from workspace.permissions import require, requires
from workspace.web.feedback import toast

LOG_SIZE = 30


def event_choices() -> list[tuple[str, str]]:
    out = [("*", _l("Tous les événements"))]
    for group, (label, types) in EVENT_GROUPS.items():
        out.append((f"{group}:*", _l("%(group)s : tous", group=label)))
        out.extend((t, t) for t in types)
    return out


class WebhookForm(FlaskForm):
    url = StringField(
        _l("Adresse de réception (URL)"),
        filters=[lambda s: s.strip() if isinstance(s, str) else s],
        validators=[
            DataRequired(message=_l("Ce champ est obligatoire.")),
            Length(max=URL_MAX, message=_l("%(max)d caractères au plus.")),
        ],
        render_kw={"placeholder": "https://", "maxlength": URL_MAX, "inputmode": "url"},
    )
    events = SelectMultipleField(
        _l("Événements envoyés"),
        choices=event_choices,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    active = BooleanField(_l("Actif"), default=True)

    def validate_url(self, field):
        try:
            check_url(field.data or "")
        except UnsafeUrl as exc:
            raise ValidationError(str(exc)) from None

    def validate_events(self, field):
        if not field.data:
            raise ValidationError(_l("Choisissez au moins un événement."))


def _hooks(project_id: int) -> list[Webhook]:
    return list(
        db.session.scalars(db.select(Webhook).filter_by(project_id=project_id).order_by(Webhook.id))
    )


def _log(project_id: int) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            db.select(WebhookDelivery)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(Webhook.project_id == project_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(LOG_SIZE)
        )
    )


def event_groups(field) -> list[list]:
    """The checkboxes by object type (each group starts with its ``<object>:*`` box)."""
    groups: list[list] = []
    for choice in field:
        if choice.data == "*" or choice.data.endswith(":*") or not groups:
            groups.append([choice])
        else:
            groups[-1].append(choice)
    return groups


def _page(form, status=200, editing: Webhook | None = None):
    html = render_template(
        "api/webhooks.html",
        project=g.project,
        hooks=_hooks(g.project.id),
        deliveries=_log(g.project.id),
        form=form,
        editing=editing,
        event_groups=event_groups(form.events),
    )
    return html, status


def _hook(project_id: int, hook_id: int) -> Webhook:
    hook = db.session.get(Webhook, hook_id) if hook_id < 2**31 else None
    if hook is None or hook.project_id != project_id:
        abort(404)
    return hook


def _back(project_id: int):
    return redirect(url_for("api_ui.webhooks", project_id=project_id))


@ui_bp.route("/projects/<int:project_id>/webhooks", methods=["GET", "POST"])
@requires("project.edit")
def webhooks(project_id: int):
    form = WebhookForm()
    if request.method == "GET":
        form.events.data = ["*"]
        return _page(form)
    require(current_user, g.project, "project.integrations")
    if not form.validate():
        return _page(form, 400)
    hook = Webhook(
        project_id=project_id,
        url=form.url.data,
        events=form.events.data,
        active=form.active.data,
        secret=new_secret(),
        created_by_id=current_user.id,
        created_at=utcnow(),
    )
    db.session.add(hook)
    db.session.commit()
    toast(_("Webhook ajouté. Copiez son secret pour vérifier les signatures."))
    return _back(project_id)


@ui_bp.route("/projects/<int:project_id>/webhooks/<int:hook_id>", methods=["GET", "POST"])
@requires("project.edit")
def edit_webhook(project_id: int, hook_id: int):
    hook = _hook(project_id, hook_id)
    form = WebhookForm(obj=hook)
    if request.method == "GET":
        return _page(form, editing=hook)
    require(current_user, g.project, "project.integrations")
    if not form.validate():
        return _page(form, 400, editing=hook)
    hook.url, hook.events, hook.active = form.url.data, form.events.data, form.active.data
    db.session.commit()
    toast(_("Webhook enregistré."))
    return _back(project_id)


@ui_bp.route("/projects/<int:project_id>/webhooks/<int:hook_id>/delete", methods=["POST"])
@requires("project.integrations")
def delete_webhook(project_id: int, hook_id: int):
    db.session.delete(_hook(project_id, hook_id))
    db.session.commit()
    toast(_("Webhook supprimé."))
    return _back(project_id)


@ui_bp.route("/projects/<int:project_id>/webhooks/<int:hook_id>/secret", methods=["POST"])
@requires("project.integrations")
def rotate_secret(project_id: int, hook_id: int):
    _hook(project_id, hook_id).secret = new_secret()
    db.session.commit()
    toast(_("Nouveau secret créé : mettez à jour le service qui reçoit les webhooks."))
    return _back(project_id)


@ui_bp.route("/projects/<int:project_id>/webhooks/<int:hook_id>/ping", methods=["POST"])
@requires("project.integrations")
def ping(project_id: int, hook_id: int):
    """Queue a test delivery (event ``ping``), whatever events the webhook listens to."""
    hook = _hook(project_id, hook_id)
    queue(
        hook,
        "ping",
        {"event": "ping", "project": {"id": project_id, "name": g.project.name}},
    )
    db.session.commit()
    toast(_("Envoi de test programmé : son résultat apparaît dans le journal."))
    return _back(project_id)
