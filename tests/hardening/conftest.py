"""Fixtures of the hardening tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def limiter(app):
    """The sign-in limiter switched on, with empty counters (off elsewhere in the suite)."""
    lim = app.extensions["coopilote.limiter"]
    lim.reset()
    lim.enabled = True
    yield lim
    lim.enabled = False
    lim.reset()
