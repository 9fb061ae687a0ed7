"""Every package's English catalogue is complete (French message ids, English strings)."""

from __future__ import annotations

import pytest

from workspace.web.i18n import PACKAGES, missing


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_catalogue_complete(package):
    assert missing(package) == []
