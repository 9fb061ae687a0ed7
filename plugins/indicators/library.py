"""The French library of suggested indicators (``library.yaml``), in the reader's language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from workspace.web.formats import current_lang

FILE = Path(__file__).with_name("library.yaml")


@lru_cache(maxsize=1)
def _entries() -> tuple[dict, ...]:
    with FILE.open(encoding="utf-8") as f:
        return tuple(yaml.safe_load(f))


def _text(value, lang: str) -> str:
    if isinstance(value, dict):
        return value.get(lang) or value.get("fr") or ""
    return value or ""


def suggestions(lang: str | None = None) -> list[dict]:
    """Every suggested indicator with its texts in ``lang`` (default: the current locale)."""
    lang = lang or current_lang()
    out = []
    for e in _entries():
        item = {k: v for k, v in e.items() if k not in ("name", "definition", "source")}
        for k in ("name", "definition", "source"):
            item[k] = _text(e.get(k), lang)
        out.append(item)
    return out


def suggestion(key: str, lang: str | None = None) -> dict | None:
    return next((s for s in suggestions(lang) if s["key"] == key), None)
