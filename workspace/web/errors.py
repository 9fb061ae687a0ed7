"""Error pages in the layout, JSON errors for API calls, toasts for htmx: never a stack trace."""

from __future__ import annotations

from flask import current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from workspace.extensions import db, htmx

MESSAGES = {
    400: (
        _l("Requête invalide"),
        _l("La demande n'a pas pu être comprise. Vérifiez les informations saisies."),
    ),
    401: (_l("Connexion requise"), _l("Connectez-vous pour continuer.")),
    403: (_l("Accès refusé"), _l("Votre rôle dans ce projet ne permet pas cette action.")),
    404: (_l("Page introuvable"), _l("Cette page n'existe pas ou vous n'y avez pas accès.")),
    405: (_l("Action non permise"), _l("Cette action n'est pas possible ici.")),
    409: (
        _l("Conflit de modification"),
        _l(
            "Quelqu'un a modifié cet élément entre-temps. "
            "Rechargez la page pour voir la version actuelle."
        ),
    ),
    413: (_l("Fichier trop volumineux"), _l("Le fichier dépasse la taille autorisée (10 Mo).")),
    422: (_l("Données invalides"), _l("Certaines informations sont invalides.")),
    429: (_l("Trop de tentatives"), _l("Trop de tentatives : patientez quelques minutes.")),
    500: (
        _l("Erreur inattendue"),
        _l("Une erreur est survenue ; rien n'a été enregistré. Réessayez dans un instant."),
    ),
    503: (
        _l("Service momentanément indisponible"),
        _l("La base de données ne répond pas ; rien n'a été enregistré. Réessayez."),
    ),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and not htmx


def error_response(code: int, message: str | None = None, fields: dict | None = None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    message = str(message or default)
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), code
    if htmx:
        html = render_template("_toast.html", kind="error", title=str(title), message=message)
        return html, code, {"HX-Retarget": "#toasts", "HX-Reswap": "beforeend"}
    return render_template("error.html", code=code, title=title, message=message), code


def _http_error(exc: HTTPException):
    code = exc.code or 500
    if code == 401 and not wants_json():
        target = url_for("auth.login", next=request.full_path.rstrip("?"))
        if htmx:
            return "", 401, {"HX-Redirect": target}
        return redirect(target)
    description = exc.description if code in (400, 403, 409, 422) and _custom(exc) else None
    response = make_response(error_response(code, description))
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # RFC 9110 asks for it
    return response


def _custom(exc: HTTPException) -> bool:
    """Werkzeug's default English descriptions are replaced by ours; abort(400, "…") kept."""
    return exc.description != type(exc).description


def _csrf_error(exc: CSRFError):
    return error_response(
        400,
        _l("Le formulaire a expiré ou n'est pas authentique. Rechargez la page et recommencez."),
    )


def _stale(exc):
    db.session.rollback()
    return error_response(409)


def _database_down(exc):
    current_app.logger.warning("database error, answered 503: %s", exc)
    try:
        db.session.rollback()
        return error_response(503)
    except DBAPIError:
        # Still down while rendering the layout (it loads the user): a page with no query.
        db.session.rollback()
        if htmx:
            headers = {"HX-Retarget": "#toasts", "HX-Reswap": "beforeend", "Retry-After": "5"}
            return DATABASE_DOWN_TOAST, 503, headers
        return DATABASE_DOWN_PAGE, 503, {"Retry-After": "5"}


DATABASE_DOWN_TOAST = (
    '<div class="toast toast-error" role="alert"><strong>Service momentanément '
    "indisponible</strong> Rien n'a été enregistré. Réessayez dans un instant.</div>"
)
DATABASE_DOWN_PAGE = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
    "<title>Service momentanément indisponible</title></head><body><main>"
    "<h1>Service momentanément indisponible</h1><p>La base de données ne répond pas ; rien "
    "n'a été enregistré. Réessayez dans un instant.</p></main></body></html>"
)


def _unexpected(exc):
    db.session.rollback()
    current_app.logger.exception("unhandled error")
    return error_response(500)


def _conflict(exc):
    from workspace.forms.conflicts import conflict_response

    db.session.rollback()
    mine = exc.mine
    if mine is None:  # no form described: the request's fields, as typed
        mine = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}
    return conflict_response(exc, mine)


def init_errors(app) -> None:
    from workspace.forms.conflicts import Conflict

    app.register_error_handler(Conflict, _conflict)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(StaleDataError, _stale)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(DBAPIError, _database_down)
    if not app.config.get("PROPAGATE_ERRORS_IN_TESTS"):
        app.register_error_handler(Exception, _unexpected)
