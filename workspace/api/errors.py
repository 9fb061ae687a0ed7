"""API errors: one JSON shape, ``{"error": {"code", "message", "fields"}}``.

The core already answers JSON for every HTTP error under ``/api/`` (see workspace.web.errors);
this module adds the API's own statuses (412, 428, 429), raises field errors from the
resources, and chooses the language of messages from ``Accept-Language`` on API calls.
"""

from __future__ import annotations

from flask import has_request_context, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

MESSAGES = {
    401: _l("Authentification requise : jeton invalide, expiré ou révoqué."),
    412: _l("L'élément a été modifié entre-temps (version périmée) : relisez-le puis recommencez."),
    428: _l("En-tête If-Match obligatoire : envoyez l'ETag lu avec GET."),
    429: _l("Trop de requêtes : patientez avant de recommencer."),
}


class ApiError(HTTPException):
    """An error answered as JSON; ``fields`` maps field names to messages."""

    def __init__(self, code: int, message=None, fields: dict | None = None, headers=None):
        super().__init__(description=str(message) if message else None)
        self.code = code
        self.fields = fields or {}
        self.extra_headers = headers or {}

    def get_response(self, environ=None, scope=None):
        return api_error_response(self.code, self.description, self.fields, self.extra_headers)


def api_error_response(code: int, message=None, fields=None, headers=None):
    from workspace.web.errors import MESSAGES as CORE

    if message is None:
        message = MESSAGES.get(code) or CORE.get(code, CORE[500])[1]
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    response = jsonify(body)
    response.status_code = code
    for key, value in (headers or {}).items():
        response.headers[key] = value
    if code == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="coopilote"')
    return response


def _api_error(exc: ApiError):
    return exc.get_response()


def install_locale_selector(app) -> None:
    """On API calls, an ``Accept-Language`` header chooses the language of messages (a token's
    owner may read French pages and still want English errors in a script)."""
    state = app.extensions["babel"]
    original = state.locale_selector

    def selector():
        if not has_request_context():  # the webhook worker, the CLI: the default (French)
            return None
        if request.path.startswith("/api/") and "Accept-Language" in request.headers:
            best = request.accept_languages.best_match(app.config["LANGUAGES"])
            if best:
                return best
        return original() if original else None

    state.locale_selector = selector


def init_errors(app) -> None:
    app.register_error_handler(ApiError, _api_error)
    install_locale_selector(app)
