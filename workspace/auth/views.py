"""Sign-in, sign-out and the language switch (reset, profile and invitations: account.py)."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from workspace.auth.credentials import verify_password
from workspace.auth.forms import LoginForm
from workspace.auth.ratelimit import count_login_failure, login_address_wait
from workspace.auth.sessions import find_user, revoke_current_session, safe_next
from workspace.extensions import db
from workspace.web.errors import error_response

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        address_wait = login_address_wait()
        user = find_user(form.email.data.strip())
        ok = verify_password(user.password_hash if user else None, form.password.data)
        if user and ok and user.active:
            if user.totp_secret:  # second factor: not signed in until the code step
                from workspace.auth.totp_views import begin_second_step

                next_url = safe_next(request.args.get("next"))
                return begin_second_step(user, form.remember.data, next_url)
            session.clear()  # rotate the session on sign-in
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        count_login_failure()
        if address_wait:  # this address used up its failures: only a right password passes
            response = make_response(error_response(429))
            response.headers["Retry-After"] = str(address_wait)
            return response
        # Same answer whether the account exists or not (no enumeration).
        form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
        return render_template("auth/login.html", form=form), 400
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out: this session's id is revoked on the server (a copy of the cookie no longer
    signs in), the session is emptied, and the remember-me cookie is deleted (Flask-Login's
    ``_remember = "clear"``, set by ``logout_user`` after the session is emptied)."""
    revoke_current_session()
    session.clear()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
def switch_language(code: str):
    if code in ("fr", "en"):
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
