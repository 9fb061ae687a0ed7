"""Every shipped template parses and has the required fields (a schema test)."""

from __future__ import annotations

import pytest

from plugins.checklists import catalog
from workspace.models import Area, CooperationForm

AREAS = [a.value for a in Area]


@pytest.mark.parametrize("key", catalog.KEYS)
def test_shipped_template_is_valid(key):
    catalog.load.cache_clear()
    template = catalog.load(key)
    assert template.key == key
    assert template.title and template.title_en
    minimum = 12 if key == "gcsms" else 6
    for area in AREAS:
        items = template.items_in(area)
        assert len(items) >= minimum, (key, area, len(items))
        for item in items:
            assert item.label.strip() and item.label_en.strip() and item.help.strip()
            assert len(item.label) <= 300 and len(item.label_en) <= 300
    labels = [i.label for s in template.sections for i in s.items]
    assert len(labels) == len(set(labels)), "duplicate labels"
    for section in template.sections:
        assert section.title and section.title_en


def test_every_cooperation_form_but_other_has_a_template():
    assert {f.value for f in CooperationForm} - {"other"} == set(catalog.KEYS)


def test_gcsms_has_one_agreement_item_and_the_domain_items():
    template = catalog.load("gcsms")
    agreement = [i for s in template.sections for i in s.items if i.agreement]
    assert len(agreement) == 1
    text = " ".join(f"{i.label} {i.help}" for s in template.sections for i in s.items)
    for needle in (
        "convention constitutive",
        "droits de vote",
        "administrateur",
        "CCN 2010",
        "CCN 51",
        "plan de formation",
        "clés de répartition",
        "TVA",
        "aide au démarrage",
        "6 000 €",
        "études préalables",
        "CPOM",
        "ARS",
        "plan d'évaluation",
        "indicateurs",
    ):
        assert needle in text, needle


GOOD_ITEM = "{label: Un, label_en: One, help: Aide}"


def _yaml(strategie=None, **override):
    areas = dict.fromkeys(AREAS, f"[{{title: T, title_en: T, items: [{GOOD_ITEM}]}}]")
    if strategie is not None:
        areas["strategie"] = strategie
    body = "\n".join(f"  {a}: {v}" for a, v in areas.items())
    head = {"key": "x", "title": "X", "title_en": "X"} | override
    return "\n".join(f"{k}: {v}" for k, v in head.items()) + "\nareas:\n" + body


def test_a_valid_minimal_template_parses():
    template = catalog.parse(_yaml())
    assert [s.area for s in template.sections] == AREAS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key: [unclosed", "invalid YAML"),
        ("- a list", "top level"),
        (_yaml(title_en="''"), "'title_en' is required"),
        (_yaml(strategie="[]"), "needs at least one section"),
        (_yaml(strategie="[{title: T, title_en: T, items: []}]"), "has no items"),
        (_yaml(strategie="[{title: T, title_en: T, items: [{label: Un, help: H}]}]"), "label_en"),
        (_yaml(strategie="[{title: T, items: [" + GOOD_ITEM + "]}]"), "title_en"),
        (
            _yaml(strategie="[{title: T, title_en: T, items: [{label: U, label_en: O}]}]"),
            "'help' is required",
        ),
        (
            _yaml(
                strategie="[{title: T, title_en: T, items: "
                "[{label: U, label_en: O, help: H, agreement: maybe}]}]"
            ),
            "'agreement' must be true or false",
        ),
        (
            _yaml(
                strategie="[{title: T, title_en: T, items: [{label: '" + "x" * 301 + "', "
                "label_en: O, help: H}]}]"
            ),
            "longer than 300",
        ),
        (_yaml() + "\n  marketing: []", "unknown areas"),
    ],
)
def test_malformed_templates_are_refused(text, message):
    with pytest.raises(catalog.TemplateError, match=message):
        catalog.parse(text)


def test_unknown_template_key():
    with pytest.raises(KeyError):
        catalog.load("../../etc/passwd")
