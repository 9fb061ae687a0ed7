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
