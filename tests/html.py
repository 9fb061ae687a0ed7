"""Helpers for tests that compare whole pages."""

from __future__ import annotations

import re

# Flask-WTF signs each CSRF token with the current second: two renders of the same page a
# second apart differ there and nowhere else.
_CSRF_TOKEN = re.compile(r'((?:name="csrf_token" value=|"X-CSRFToken": ?)")[^"]+"')


def without_csrf_tokens(html: str) -> str:
    """The page with every CSRF token (hidden field or htmx header) replaced by a placeholder."""
    return _CSRF_TOKEN.sub(r'\1CSRF"', html)
