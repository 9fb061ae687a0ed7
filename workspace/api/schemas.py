"""Marshmallow schemas of the API: the fields every resource is declared with.

A resource is one marshmallow schema (``TaskSchema``) of what clients read; ``dump_only``
fields are never accepted in a body. :func:`body_of` derives the input schemas from it
(``TaskCreate`` with its required fields, ``TaskUpdate`` where every field may be left out),
so a resource is declared once. The fields below refuse what the forms refuse (control
characters, out-of-range ids, dates outside 1900–2200, amounts with more decimals than
cents) with French or English messages, and document themselves in the OpenAPI document
through their ``metadata`` (apispec reads ``maxLength``, ``minimum``, ``enum``…).
"""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from enum import Enum

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workspace.forms.input_guard import has_control_characters

MAX_ID = 2_147_483_647
DECIMAL_RE = re.compile(r"^-?\d{1,10}(\.\d{1,4})?$")
MONEY_RE = re.compile(r"^\d{1,10}(\.\d{1,2})?$")

#: Marshmallow's own error keys, in the interface's language.
MESSAGES = {"required": _l("Ce champ est obligatoire."), "null": _l("Ce champ est obligatoire.")}


class ApiField(ma.fields.Field):
    """What every field of the API adds to marshmallow's: a ``description`` for the
    document, a ``source`` (a function of the object) for computed values, and messages
    in the request's language."""

    invalid = _l("Valeur invalide.")

    def __init__(self, *args, description="", source=None, schema: dict | None = None, **kw):
        metadata = {**kw.pop("metadata", {}), **(schema or {})}
        if description:
            metadata["description"] = description
        self.source = source
        super().__init__(*args, metadata=metadata, **kw)

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        if self.source is not None:
            return self.source(obj)
        return super().get_value(obj, attr, accessor=accessor, default=default)

    def make_error(self, key: str, **kwargs) -> ma.ValidationError:
        msg = MESSAGES.get(key) or (self.invalid if key == "invalid" else None)
        if msg is None:
            return super().make_error(key, **kwargs)
        return ma.ValidationError(str(msg))

    def fail(self, message=None):
        raise ma.ValidationError(str(message or self.invalid))


def _merged(kw: dict, schema: dict) -> dict:
    """``kw`` with ``schema`` (what a field class documents) added to the caller's."""
    return {**kw, "schema": {**schema, **(kw.get("schema") or {})}}


class Text(ApiField, ma.fields.String):
    """A text, stripped; ``max_length`` characters at most; not blank when required."""

    invalid = _l("Texte attendu.")

    def __init__(self, *, max_length: int | None = None, **kw):
        self.max_length = max_length
        self.not_blank = kw.get("required", False)  # even where it may be left out (PATCH)
        super().__init__(**_merged(kw, {"maxLength": max_length} if max_length else {}))

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            self.fail()
        if self.max_length and len(value) > self.max_length:  # as sent, as documented
            self.fail(_("%(max)d caractères au plus.", max=self.max_length))
        value = value.strip()
        if self.not_blank and not value:
            self.fail(MESSAGES["required"])
        if has_control_characters(value):  # NUL, ESC… (tab and line breaks are text)
            self.fail(_("Caractère non permis."))
        return value


class Int(ApiField, ma.fields.Integer):
    """An integer between ``minimum`` and ``maximum`` (an id by default); never a boolean."""

    invalid = _l("Nombre entier attendu.")

    def __init__(self, *, minimum: int = 1, maximum: int = MAX_ID, **kw):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**_merged(kw, {"minimum": minimum, "maximum": maximum}))

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail()
        if not self.minimum <= value <= self.maximum:
            self.fail(_("Valeur entre %(a)d et %(b)d attendue.", a=self.minimum, b=self.maximum))
        return value


class Bool(ApiField, ma.fields.Boolean):
    invalid = _l("Vrai ou faux attendu.")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            self.fail()
        return value


class Day(ApiField, ma.fields.Date):
    """A date as ``YYYY-MM-DD``, between 1900 and 2200."""

    invalid = _l("Date attendue au format AAAA-MM-JJ.")

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            parsed = date.fromisoformat(value)
        except ValueError:
            self.fail()
        if not 1900 <= parsed.year <= 2200:
            self.fail(_("Date hors limites."))
        return parsed


class Moment(ApiField, ma.fields.DateTime):
    """A date and time, ISO 8601 (sent by the server)."""

    invalid = _l("Date et heure attendues (ISO 8601).")


class Amount(ApiField, ma.fields.String):
    """An exact amount as a string (``"1500.00"``); ``signed`` allows a negative one."""

    def __init__(self, *, signed: bool = False, **kw):
        self.pattern = DECIMAL_RE if signed else MONEY_RE
        self.invalid = (
            _l("Montant attendu sous forme de texte, par exemple « 1500.00 ».")
            if signed
            else _l("Montant positif attendu en texte, par exemple « 1500.00 ».")
        )
        example = "-12.5" if signed else "1500.00"
        super().__init__(**_merged(kw, {"pattern": self.pattern.pattern, "examples": [example]}))

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self.pattern.match(value):
            self.fail()
        return Decimal(value)


class Choice(ApiField, ma.fields.String):
    """One of ``choices`` (strings, or the values of an Enum class)."""

    def __init__(self, choices, **kw):
        if isinstance(choices, type) and issubclass(choices, Enum):
            choices = [c.value for c in choices]
        self.choices = tuple(choices)
        enum = list(self.choices) + ([None] if kw.get("allow_none") else [])
        super().__init__(**_merged(kw, {"enum": enum}))

    def _serialize(self, value, attr, obj, **kwargs):
        return value.value if isinstance(value, Enum) else value

    def _deserialize(self, value, attr, data, **kwargs):
        if value not in self.choices:
            self.fail(_("Valeur inconnue : %(v)s.", v=str(value)[:40]))
        return value


class Ids(ApiField, ma.fields.List):
    """A list of ids, without repeats, 50 at most."""

    invalid = _l("Liste d'identifiants attendue.")

    def __init__(self, **kw):
        item = ma.fields.Integer(metadata={"minimum": 1, "maximum": MAX_ID})
        super().__init__(item, **_merged(kw, {"uniqueItems": True, "maxItems": 50}))

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else list(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or len(value) > 50:
            self.fail()
        out: list[int] = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_ID:
                self.fail()
            if v not in out:
                out.append(v)
        return out


class Listing(ApiField, ma.fields.List):
    """A list the server computes (read only)."""


class Mapping(ApiField, ma.fields.Dict):
    """An object the server computes (read only)."""


# --- schemas ----------------------------------------------------------------------------------


class ApiSchema(ma.Schema):
    """A resource as clients read it. ``Meta.output`` marks the schemas the server sends, whose
    every property is then documented as always present."""

    error_messages = {
        "unknown": _l("Champ inconnu ou en lecture seule."),
        "type": _l("Le corps de la requête doit être un objet JSON."),
    }
    output = True

    class Meta:
        unknown = ma.RAISE


def body_of(schema: type[ApiSchema], suffix: str, *, partial: bool = False) -> type[ApiSchema]:
    """The input schema of a resource: its writable fields, the required ones required unless
    ``partial`` (a required text is never blank, even in a partial update) —
    ``body_of(TaskSchema, "Update", partial=True)`` is named ``TaskUpdate`` in the document."""
    fields = {}
    for name, declared in schema._declared_fields.items():
        if declared.dump_only:
            continue
        field = copy.deepcopy(declared)
        field.required = declared.required and not partial
        if isinstance(field, Text) and field.not_blank:
            field.metadata = {**field.metadata, "minLength": 1}
        fields[name] = field
    return body(schema.__name__.removesuffix("Schema") + suffix, fields)


def body(name: str, fields: dict[str, ma.fields.Field]) -> type[ApiSchema]:
    """An input schema named ``name`` in the document (an action's body, for instance)."""
    cls = ApiSchema.from_dict(fields, name=f"{name}Schema")
    cls.output = False
    return cls


class FileSchema(ApiSchema):
    """One attached document (GET ``url`` to download it)."""

    id = Int(dump_only=True)
    name = Text(dump_only=True)
    content_type = Text(dump_only=True)
    size = Int(dump_only=True, minimum=0)
    url = Text(dump_only=True, schema={"format": "uri"}, description="GET it to download")


def files_field(attachments, description: str) -> Listing:
    """A read-only ``files`` field: ``attachments(obj)`` gives rows with a ``file``
    (:class:`~workspace.models.StoredFile`), each listed with its API download URL."""
    from flask import url_for

    def dump(obj) -> list[dict]:
        return [
            {
                "id": a.file.id,
                "name": a.file.original_name,
                "content_type": a.file.content_type,
                "size": a.file.size,
                "url": url_for(
                    "api.download_file",
                    project_id=a.file.project_id,
                    file_id=a.file.id,
                    _external=True,
                ),
            }
            for a in attachments(obj)
        ]

    return Listing(
        ma.fields.Nested(FileSchema), dump_only=True, source=dump, description=description
    )
