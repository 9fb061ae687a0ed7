"""Pages of the TOTP second factor: the sign-in code step, enrolment, recovery codes, disabling.

Sign-in with a second factor: ``auth.login`` checks the password, then (instead of signing in)
calls :func:`begin_second_step`, which rotates the session and keeps only a *pending* state
``{uid, epoch, at, remember, next}``. ``/login/code`` accepts a code within
:data:`PENDING_TTL`, then rotates the session again and signs in. The pending state is not a
sign-in: Flask-Login, the API and Socket.IO all see an anonymous visitor until the code step.

Enrolment keeps the new secret in the session until a code proves the app has it: a wrong code
saves nothing. When ``REQUIRE_TOTP_FOR_PRIVILEGED`` is on, :func:`require_enrolment` sends
advisers and site admins without a second factor to the enrolment page before anything else.
"""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    Flask,
    abort,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user

from workspace.auth import totp
from workspace.auth.credentials import verify_password
from workspace.auth.sessions import safe_next, sign_out_elsewhere
from workspace.auth.totp_forms import DisableForm, EnrolForm, RegenerateForm, SignInCodeForm
from workspace.extensions import db
from workspace.models import User
from workspace.web.feedback import toast

bp = Blueprint("totp", __name__)

PENDING_TTL = 5 * 60  # seconds between the password and the code
SETUP_TTL = 30 * 60  # an enrolment secret not confirmed within this is replaced
PENDING, SETUP = "totp_pending", "totp_setup"


def _me() -> User:
    """The signed-in user itself (SQLAlchemy needs the instance, not Flask-Login's proxy)."""
    return current_user._get_current_object()


# -- Sign-in: the code step ------------------------------------------------------------------


def begin_second_step(user: User, remember: bool, next_url: str):
    """After a correct password: rotate the session, remember who is half-way, ask the code."""
    lang = session.get("lang") or user.locale  # the code step speaks the person's language
    session.clear()
    session["lang"] = lang
    session[PENDING] = {
        "uid": user.id,
        "epoch": user.session_epoch or 0,
        "at": int(time.time()),
        "remember": bool(remember),
        "next": next_url,
    }
    return redirect(url_for("totp.login_code"))


def _pending() -> tuple[dict | None, User | None]:
    """The pending state and its user, or ``(state, None)`` when it has expired or is stale."""
    state = session.get(PENDING)
    if not isinstance(state, dict):
        return None, None
    try:
        age = time.time() - int(state["at"])
        user = db.session.get(User, int(state["uid"]))
    except (KeyError, TypeError, ValueError):
        return state, None
    fresh = 0 <= age <= PENDING_TTL
    if not fresh or user is None or not user.active or not user.totp_secret:
        return state, None
    if (user.session_epoch or 0) != state.get("epoch"):  # password reset in between
        return state, None
    return state, user


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("projects.index"))
    state, user = _pending()
    if user is None:
        session.pop(PENDING, None)
        if state is not None:
            toast(_("Le délai de 5 minutes est dépassé : connectez-vous à nouveau."), "warning")
        return redirect(url_for("auth.login"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        recovery = False
        ok = totp.use_totp(user, form.code.data)
        if not ok:
            ok = recovery = totp.use_recovery_code(user, form.code.data)
        if ok:
            db.session.commit()
            session.clear()  # rotate again: the signed-in session shares nothing with the pending
            login_user(user, remember=bool(state.get("remember")))
            if recovery:
                _recovery_used_notice(user)
            return redirect(safe_next(state.get("next")))
        form.code.errors.append(_("Code incorrect ou déjà utilisé."))
    status = 400 if form.errors else 200
    return render_template("auth/login_code.html", form=form), status


def _recovery_used_notice(user: User) -> None:
    left = totp.recovery_codes_left(user)
    toast(
        ngettext(
            "Code de secours utilisé : il vous en reste %(num)d.",
            "Code de secours utilisé : il vous en reste %(num)d.",
            left,
        )
        + " "
        + _("Pensez à en générer de nouveaux depuis votre profil."),
        "warning",
    )


# -- Enrolment -------------------------------------------------------------------------------


def _setup_secret() -> str:
    """The secret being enrolled in this session (kept across reloads, so a scanned QR code
    stays valid), or a new one."""
    state = session.get(SETUP)
    if (
        isinstance(state, dict)
        and state.get("uid") == current_user.id
        and isinstance(state.get("secret"), str)
        and 0 <= time.time() - state.get("at", 0) <= SETUP_TTL
    ):
        return state["secret"]
    secret = totp.new_secret()
    session[SETUP] = {"uid": current_user.id, "secret": secret, "at": int(time.time())}
    return secret


def _codes_page(codes: list[str], fresh: bool):
    page = render_template("account/totp_codes.html", codes=codes, fresh=fresh)
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/profile/two-factor/setup", methods=["GET", "POST"])
@login_required
def setup():
    if current_user.totp_secret:
        return redirect(url_for("totp.manage"))
    secret = _setup_secret()
    form = EnrolForm()
    if form.validate_on_submit():
        counter = totp.matching_counter(secret, totp.clean_code(form.code.data))
        if counter is not None:
            user = _me()
            codes = totp.enable(user, secret, counter)
            session.pop(SETUP, None)
            sign_out_elsewhere(user)  # commits; sessions opened with the password alone end
            toast(_("Double authentification activée. Vos autres sessions ont été déconnectées."))
            return _codes_page(codes, fresh=True)
        form.code.errors.append(
            _(
                "Ce code ne correspond pas. Saisissez le code affiché maintenant par "
                "l'application et vérifiez que l'heure de votre téléphone est juste."
            )
        )
    uri = totp.provisioning_uri(current_user, secret)
    page = render_template(
        "account/totp_setup.html",
        form=form,
        qr=totp.qr_svg(uri, _("QR code à scanner avec votre application d'authentification")),
        secret=totp.grouped(secret),
        required=totp.required_for(current_user),
    )
    return page, 400 if form.errors else 200


# -- Managing: recovery codes, disabling -----------------------------------------------------


def _manage_page(regenerate=None, disable=None, status=200):
    page = render_template(
        "account/totp_manage.html",
        regenerate_form=regenerate or RegenerateForm(prefix="regen"),
        disable_form=disable or DisableForm(prefix="off"),
        codes_left=totp.recovery_codes_left(current_user),
        required=totp.required_for(current_user, enrolled_too=True),
    )
    return page, status


@bp.route("/profile/two-factor")
@login_required
def manage():
    if not current_user.totp_secret:
        return redirect(url_for("totp.setup"))
    return _manage_page()


@bp.route("/profile/two-factor/recovery-codes", methods=["POST"])
@login_required
def regenerate():
    if not current_user.totp_secret:
        return redirect(url_for("totp.setup"))
    form = RegenerateForm(prefix="regen")
    if form.validate() and totp.use_totp(_me(), form.code.data):
        codes = totp.new_recovery_codes(_me())
        db.session.commit()
        return _codes_page(codes, fresh=False)
    db.session.rollback()
    if not form.errors:
        form.code.errors.append(_("Code incorrect ou déjà utilisé."))
    return _manage_page(regenerate=form, status=400)


@bp.route("/profile/two-factor/disable", methods=["POST"])
@login_required
def disable():
    if not current_user.totp_secret:
        return redirect(url_for("account.profile"))
    form = DisableForm(prefix="off")
    if form.validate():
        # The code is checked (and spent) only once the password is right.
        if not verify_password(current_user.password_hash, form.password.data):
            form.password.errors.append(_("Le mot de passe est incorrect."))
        elif not (
            totp.use_totp(_me(), form.code.data) or totp.use_recovery_code(_me(), form.code.data)
        ):
            form.code.errors.append(_("Code incorrect ou déjà utilisé."))
        else:
            totp.disable(_me())
            db.session.commit()
            toast(_("Double authentification désactivée."))
            return redirect(url_for("account.profile") + "#two-factor")
    db.session.rollback()
    return _manage_page(disable=form, status=400)


@bp.route("/profile/two-factor/later", methods=["POST"])
@login_required
def later():
    """Hide the offer on « Mes projets » for this session (the profile still shows it)."""
    session["totp_offer_hidden"] = True
    return redirect(url_for("projects.index"))


@bp.route("/admin/users/<int:user_id>/two-factor/reset", methods=["POST"])
@login_required
def admin_reset(user_id: int):
    """A site admin removes someone's second factor (lost phone and lost recovery codes)."""
    if not current_user.is_admin:
        abort(403)
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(400, _("Désactivez votre propre double authentification depuis votre profil."))
    totp.disable(user)
    db.session.commit()
    toast(_("Double authentification de %(name)s désactivée.", name=user.name))
    return redirect(url_for("admin.user_edit", user_id=user.id))


def init_totp(app: Flask) -> None:
    """Register the pages (before the rate limits wrap them) and the template helpers."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(totp_offer=totp.offer_for, totp_privileged=totp.is_privileged)


def init_enforcement(app: Flask) -> None:
    """Register the enrolment requirement (after the test hook that forgets the cached user)."""
    app.before_request(totp.require_enrolment)
