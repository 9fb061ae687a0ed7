"""Checklist templates: YAML data files, one per cooperation form, validated on load.

A template file looks like::

    key: gcsms
    title: GCSMS
    title_en: GCSMS (social and medico-social cooperation group)
    areas:
      strategie:
        - title: Accord des parties
          title_en: Agreement of the parties
          items:
            - label: …
              label_en: …
              help: …          # markdown, rendered without HTML and sanitised
              agreement: true  # optional: the item recording the parties' agreement

Every area of :class:`workspace.models.Area` must be present.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from workspace.models import Area

from .models import LABEL_MAX, TEXT_MAX, TITLE_MAX

DATA_DIR = Path(__file__).resolve().parent / "templates_data"
#: Shipped templates, in the order the choice is offered.
KEYS = ("gcsms", "mutualisation", "fusion", "partenariat", "regroupement")


class TemplateError(ValueError):
    """A template file breaks the schema; the message names the file and the place."""


@dataclass(frozen=True)
class TemplateItem:
    label: str
    label_en: str
    help: str
    agreement: bool = False


@dataclass(frozen=True)
class TemplateSection:
    area: str
    title: str
    title_en: str
    items: tuple[TemplateItem, ...]


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    title_en: str
    sections: tuple[TemplateSection, ...]

    def items_in(self, area: str) -> list[TemplateItem]:
        return [i for s in self.sections if s.area == area for i in s.items]


def _text(where: str, data: dict, name: str, limit: int) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{where}: '{name}' is required (non-empty text)")
    if len(value) > limit:
        raise TemplateError(f"{where}: '{name}' is longer than {limit} characters")
    return value.strip()


def _item(where: str, raw) -> TemplateItem:
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: an item must be a mapping")
    agreement = raw.get("agreement", False)
    if not isinstance(agreement, bool):
        raise TemplateError(f"{where}: 'agreement' must be true or false")
    return TemplateItem(
        label=_text(where, raw, "label", LABEL_MAX),
        label_en=_text(where, raw, "label_en", LABEL_MAX),
        help=_text(where, raw, "help", TEXT_MAX),
        agreement=agreement,
    )


def parse(text: str, origin: str = "<template>") -> Template:
    """Validate and build a template from YAML text (raises :class:`TemplateError`)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{origin}: invalid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{origin}: the top level must be a mapping")
    key = _text(origin, data, "key", 30)
    areas = data.get("areas")
    if not isinstance(areas, dict):
        raise TemplateError(f"{origin}: 'areas' must map each area to its sections")
    unknown = set(areas) - {a.value for a in Area}
    if unknown:
        raise TemplateError(f"{origin}: unknown areas {sorted(unknown)}")
    sections = []
    for area in Area:
        raw_sections = areas.get(area.value)
        if not isinstance(raw_sections, list) or not raw_sections:
            raise TemplateError(f"{origin}: area '{area.value}' needs at least one section")
        for n, raw in enumerate(raw_sections, 1):
            where = f"{origin}: {area.value} section {n}"
            if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
                raise TemplateError(f"{where}: needs 'title', 'title_en' and a list of 'items'")
            items = tuple(_item(f"{where} item {i}", it) for i, it in enumerate(raw["items"], 1))
            if not items:
                raise TemplateError(f"{where}: has no items")
            sections.append(
                TemplateSection(
                    area.value,
                    _text(where, raw, "title", TITLE_MAX),
                    _text(where, raw, "title_en", TITLE_MAX),
                    items,
                )
            )
    return Template(
        key=key,
        title=_text(origin, data, "title", TITLE_MAX),
        title_en=_text(origin, data, "title_en", TITLE_MAX),
        sections=tuple(sections),
    )


@cache
def load(key: str) -> Template:
    """A shipped template by key (``KeyError`` for an unknown one)."""
    if key not in KEYS:
        raise KeyError(key)
    path = DATA_DIR / f"{key}.yaml"
    template = parse(path.read_text(encoding="utf-8"), path.name)
    if template.key != key:
        raise TemplateError(f"{path.name}: key {template.key!r} does not match the file name")
    return template


def all_templates() -> list[Template]:
    return [load(k) for k in KEYS]
