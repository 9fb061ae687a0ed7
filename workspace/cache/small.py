"""Small templates rendered once per process and reused: the bell, the help link, a menu
entry. Each page's layout calls them; their HTML depends only on the few values passed, the
language and the application's root URL.

Only for templates without a CSRF token, a session or a request value beyond those: the
context given must be everything the HTML depends on.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup


def render_small(template: str, **context) -> Markup:
    """``render_template(template, **context)``, kept per (template, values, language, root
    URL, application); the values must be hashable."""
    key = tuple(sorted(context.items()))
    app = current_app._get_current_object()
    return _render(id(app), template, key, str(get_locale()), request.script_root)


@lru_cache(maxsize=1024)
def _render(_app: int, template: str, key: tuple, _locale: str, _root: str) -> Markup:
    return Markup(render_template(template, **dict(key)))  # noqa: S704 - autoescaped output
