"""Field declarations: one list per resource gives its JSON Schema, its parser and its dumper.

A resource's fields say what clients read (``dump``) and what they may send (``parse``); the
OpenAPI document is built from the same declarations, so the documentation cannot drift from
the code. Parsing errors are French (or English) messages keyed by field name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from workspace.forms.input_guard import has_control_characters

MAX_ID = 2_147_483_647
DECIMAL_RE = re.compile(r"^-?\d{1,10}(\.\d{1,4})?$")
MONEY_RE = re.compile(r"^\d{1,10}(\.\d{1,2})?$")


@dataclass
class F:
    """One field. ``kind``: string, text, integer, boolean, date, datetime, decimal, money
    (a non-negative amount as a string), enum, ids,
    object, list (``items`` is the JSON Schema of list members, output only)."""

    kind: str
    required: bool = False
    nullable: bool = False
    read_only: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple = ()
    source: Callable | None = None
    description: str = ""
    items: dict | None = None
    schema_extra: dict = field(default_factory=dict)

    # --- JSON Schema ---------------------------------------------------------------------

    def schema(self, output: bool = False) -> dict:
        """The field's JSON Schema; ``output``: as the server sends it, without the input's
        ``minLength`` (a deleted comment is sent with an empty body, for instance)."""
        out = dict(self._base())
        if output:
            out.pop("minLength", None)
        if self.nullable:
            t = out.get("type")
            if isinstance(t, str):
                out["type"] = [t, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        if self.description:
            out["description"] = self.description
        if self.read_only:
            out["readOnly"] = True
        out.update(self.schema_extra)
        return out

    def _base(self) -> dict:
        k = self.kind
        if k in ("string", "text"):
            s = {"type": "string"}
            if self.max_length:
                s["maxLength"] = self.max_length
            if self.required and not self.read_only:
                s["minLength"] = 1
            return s
        if k == "integer":
            return {
                "type": "integer",
                "minimum": self.minimum if self.minimum is not None else 1,
                "maximum": self.maximum if self.maximum is not None else MAX_ID,
            }
        if k == "boolean":
            return {"type": "boolean"}
        if k == "date":
            return {"type": "string", "format": "date"}
        if k == "datetime":
            return {"type": "string", "format": "date-time"}
        if k == "decimal":
            return {"type": "string", "pattern": DECIMAL_RE.pattern, "examples": ["-12.5"]}
        if k == "money":
            return {"type": "string", "pattern": MONEY_RE.pattern, "examples": ["1500.00"]}
        if k == "enum":
            return {"type": "string", "enum": list(self.choices)}
        if k == "ids":
            return {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "uniqueItems": True,
                "maxItems": 50,
            }
        if k == "list":
            return {"type": "array", "items": self.items or {}}
        if k == "object":
            return {"type": "object"}
        raise ValueError(k)

    # --- parsing ---------------------------------------------------------------------------

    def parse(self, value):
        """The Python value of a JSON value, or raise ``ValueError`` with a message."""
        if value is None:
            if self.nullable:
                return None
            raise ValueError(_("Ce champ est obligatoire."))
        return getattr(self, f"_parse_{self.kind}")(value)

    def _parse_string(self, value):
        if not isinstance(value, str):
            raise ValueError(_("Texte attendu."))
        value = value.strip()
        if self.required and not value:
            raise ValueError(_("Ce champ est obligatoire."))
        if self.max_length and len(value) > self.max_length:
            raise ValueError(_("%(max)d caractères au plus.", max=self.max_length))
        if has_control_characters(value):  # NUL, ESC… (tab and line breaks are text)
            raise ValueError(_("Caractère non permis."))
        return value

    _parse_text = _parse_string

    def _parse_integer(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_("Nombre entier attendu."))
        low = self.minimum if self.minimum is not None else 1
        high = self.maximum if self.maximum is not None else MAX_ID
        if not low <= value <= high:
            raise ValueError(_("Valeur entre %(a)d et %(b)d attendue.", a=low, b=high))
        return value

    def _parse_boolean(self, value):
        if not isinstance(value, bool):
            raise ValueError(_("Vrai ou faux attendu."))
        return value

    def _parse_date(self, value):
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            parsed = date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("Date attendue au format AAAA-MM-JJ.")) from None
        if not 1900 <= parsed.year <= 2200:
            raise ValueError(_("Date hors limites."))
        return parsed

    def _parse_datetime(self, value):
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValueError(_("Date et heure attendues (ISO 8601).")) from None

    def _parse_decimal(self, value):
        if not isinstance(value, str) or not DECIMAL_RE.match(value):
            raise ValueError(_("Montant attendu sous forme de texte, par exemple « 1500.00 »."))
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern already refused it
            raise ValueError(_("Montant invalide.")) from None

    def _parse_money(self, value):
        if not isinstance(value, str) or not MONEY_RE.match(value):
            raise ValueError(_("Montant positif attendu en texte, par exemple « 1500.00 »."))
        return Decimal(value)

    def _parse_enum(self, value):
        if value not in self.choices:
            raise ValueError(_("Valeur inconnue : %(v)s.", v=str(value)[:40]))
        return value

    def _parse_ids(self, value):
        if not isinstance(value, list) or len(value) > 50:
            raise ValueError(_("Liste d'identifiants attendue."))
        out = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_ID:
                raise ValueError(_("Liste d'identifiants attendue."))
            if v not in out:
                out.append(v)
        return out


def jsonable(value):
    """Dates as ISO strings, money as exact decimal strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class Resource:
    """A named set of fields: its output schema, input schemas, parser and dumper."""

    name: str
    fields: dict[str, F]
    description: str = ""

    def dump(self, obj) -> dict:
        out = {}
        for name, f in self.fields.items():
            value = f.source(obj) if f.source else getattr(obj, name)
            out[name] = jsonable(value)
        return out

    def output_schema(self) -> dict:
        return {
            "type": "object",
            "description": self.description,
            "properties": {n: f.schema(output=True) for n, f in self.fields.items()},
            "required": list(self.fields),
        }

    def writable(self) -> dict[str, F]:
        return {n: f for n, f in self.fields.items() if not f.read_only}

    def input_schema(self, partial: bool) -> dict:
        props = {n: f.schema() for n, f in self.writable().items()}
        schema = {"type": "object", "properties": props, "additionalProperties": False}
        required = [n for n, f in self.writable().items() if f.required]
        if required and not partial:
            schema["required"] = required
        return schema

    def parse(self, data, partial: bool) -> dict:
        """Validate a JSON body; raise :class:`~workspace.api.errors.ApiError` (400) with a
        message per field on any problem."""
        return parse_fields(self.writable(), data, partial)


def parse_fields(fields: dict[str, F], data, partial: bool) -> dict:
    from workspace.api.errors import ApiError

    if not isinstance(data, dict):
        raise ApiError(400, _("Le corps de la requête doit être un objet JSON."))
    errors: dict[str, str] = {}
    out = {}
    for key in data:
        if key not in fields:
            errors[str(key)[:60]] = _("Champ inconnu ou en lecture seule.")
    for name, f in fields.items():
        if name not in data:
            if f.required and not partial:
                errors[name] = _("Ce champ est obligatoire.")
            continue
        try:
            out[name] = f.parse(data[name])
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise ApiError(400, _("Certaines informations sont invalides."), errors)
    return out
