"""Validators and filters every form shares, with French messages (msgids, translated)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Length

REQUIRED = _l("Ce champ est obligatoire.")


def required():
    """A field that must be filled (« Ce champ est obligatoire. »)."""
    return DataRequired(message=REQUIRED)


def optional_int(value):
    """Coerce for a select whose "" means none: '' → None, '12' → 12; anything else raises
    ValueError (shown as a French error)."""
    if value in ("", None):
        return None
    return int(value)


def strip(value):
    """Filter: surrounding spaces removed from a text value."""
    return value.strip() if isinstance(value, str) else value


def max_len(n: int):
    """At most ``n`` characters, said in French."""
    return Length(max=n, message=_l("%(max)d caractères au plus.", max=n))
