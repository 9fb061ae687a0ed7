"""Every package's English catalogue is complete (French message ids, English strings)."""

from __future__ import annotations

import re

import pytest

from workspace.web.i18n import PACKAGES, missing

_LAZY = re.compile(r"\w\((?:s|e|es|x)\)")  # « mesure(s) », « affiché(e)s », not « %(s)s »


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_catalogue_complete(package):
    assert missing(package) == []


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_plurals_go_through_ngettext(package):
    """« 2 indicateurs en retard », never « 2 indicateur(s) »: a count's words agree with it."""
    from workspace.web.i18n import extract

    lazy = [m.id for m in extract(package) if isinstance(m.id, str) and _LAZY.search(m.id)]
    assert lazy == []


def test_no_two_catalogues_translate_a_message_differently():
    """Merged into one, catalogues would let a plugin change a core string (« Accompagnement »
    read « Adviser »): a word meaning something else in a plugin takes a context."""
    from babel.messages.pofile import read_po

    from workspace.web.i18n import _catalog_path

    seen: dict = {}
    clashes = []
    for package in PACKAGES:
        with _catalog_path(package).open("rb") as f:
            for m in read_po(f, locale="en"):
                if not m.id or not m.string or m.fuzzy:
                    continue
                key = (m.context, m.id)
                first = seen.setdefault(key, (package.name, m.string))
                if first[1] != m.string:
                    clashes.append((key, first, (package.name, m.string)))
    assert clashes == []


def test_the_core_s_words_win_and_contexts_keep_their_own(app):
    from flask_babel import force_locale, gettext, pgettext

    with app.test_request_context(), force_locale("en"):
        assert gettext("Accompagnement") == "Support"  # the stage, as the core says
        assert pgettext("report: who accompanies the project", "Accompagnement") == "Adviser"
        assert pgettext("indicator status", "en retard") == "off track"
        assert gettext("en retard") == "overdue"  # a task's


def test_remembered_translations_follow_the_locale(app):
    """The translations remembered for a request (workspace.web.i18n.RequestDomain) change
    with the locale: ``force_locale`` for one recipient's mail, ``refresh`` after a person
    changes language, in Python and in templates alike."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext, refresh

    template = (
        "{{ _('Enregistrer') }} "
        "{{ ngettext('%(num)d notification non lue', '%(num)d notifications non lues', 2) }}"
    )
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert gettext("Enregistrer") == "Enregistrer"
        assert render_template_string(template) == "Enregistrer 2 notifications non lues"
        with force_locale("en"):
            assert gettext("Enregistrer") == "Save"
            assert render_template_string(template) == "Save 2 unread notifications"
        assert gettext("Enregistrer") == "Enregistrer"
        from flask import session

        session["lang"] = "en"
        assert gettext("Enregistrer") == "Enregistrer"  # the request's locale is kept…
        refresh()
        assert gettext("Enregistrer") == "Save"  # …until it is looked up again
        assert render_template_string(template) == "Save 2 unread notifications"
