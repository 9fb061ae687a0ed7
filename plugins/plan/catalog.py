"""The sections a new plan starts with: ``templates_data/sections.yaml``, checked on load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from workspace.models import CooperationForm

from .models import HINT_MAX, TITLE_MAX

DATA = Path(__file__).resolve().parent / "templates_data" / "sections.yaml"
FORMS = {f.value for f in CooperationForm}
TEXTS = ("title", "title_en", "hint", "hint_en")


class TemplateError(ValueError):
    """The template file breaks the schema; the message names the section."""


@dataclass(frozen=True)
class TemplateSection:
    title: str
    title_en: str
    hint: str
    hint_en: str
    forms: frozenset[str]


@cache
def sections() -> tuple[TemplateSection, ...]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out = []
    for n, entry in enumerate(raw.get("sections") or [], start=1):
        where = f"{DATA.name}, section {n}"
        texts = {
            k: str(entry.get(k) or "").strip() for k in ("title", "title_en", "hint", "hint_en")
        }
        if not texts["title"] or len(texts["title"]) > TITLE_MAX:
            raise TemplateError(f"{where}: a title of 1 to {TITLE_MAX} characters is required")
        if len(texts["hint"]) > HINT_MAX or len(texts["hint_en"]) > HINT_MAX:
            raise TemplateError(f"{where}: a hint has at most {HINT_MAX} characters")
        forms = frozenset(entry.get("forms") or FORMS)
        if forms - FORMS:
            raise TemplateError(f"{where}: unknown forms {sorted(forms - FORMS)}")
        out.append(TemplateSection(**texts, forms=forms))
    if not out:
        raise TemplateError(f"{DATA.name}: no section")
    return tuple(out)


def for_form(form: str) -> list[TemplateSection]:
    """The template's sections for one cooperation form, in order."""
    return [s for s in sections() if form in s.forms]
