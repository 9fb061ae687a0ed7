"""Fuzzing: hostile and random values posted to every form and htmx endpoint as each role.

The field names come from the real forms of the demo pages (read as the coordinator), so the
values reach the validators; every write rule of the URL map is a target. Zero responses ≥ 500.
The default run makes ~300 requests; ``--run-slow`` runs the nightly size (10,000).
"""

from __future__ import annotations

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.htmlforms import forms_of
from tests.hardening.test_route_matrix import VISITORS, WRITES, _rules
from tests.hardening.world import demo_world

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "2147483648",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "-0.0",
    "3,14",
    "2026-02-30",
    "9999-12-31",
    "0000-00-00",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "../../../etc/passwd",
    "\x00",
    "\ud7ff\ue000",
    "💥" * 50,
    "a" * 10_001,
    "%(x)s {0} {{7*7}}",
    "javascript:alert(1)",
    "y",
    "on",
    "true",
]
GENERIC_FIELDS = [
    "title",
    "name",
    "label",
    "body",
    "value",
    "status",
    "version",
    "text",
    "column_id",
    "position",
    "period",
    "decision",
    "role",
    "email",
    "key",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300), st.integers().map(str))


@pytest.fixture
def targets(app, login_as):
    world = demo_world()
    coordinator = login_as(world.people["coordinator"])
    fields_by_path: dict[str, set] = {}
    plan = []
    with app.test_request_context():
        for rule in _rules(app):
            if "GET" in rule.methods and not rule.endpoint.startswith(("static", "api")):
                page = coordinator.get(url_for(rule.endpoint, **world.fill(rule)))
                if page.mimetype == "text/html":
                    for form in forms_of(page.text):
                        path = form.action.split("?")[0]
                        fields_by_path.setdefault(path, set()).update(form.fields, form.kinds)
        for rule in _rules(app):
            methods = [m for m in WRITES if m in rule.methods]
            if methods and rule.endpoint not in ("auth.logout", "account.sign_out_everywhere"):
                url = url_for(rule.endpoint, **world.fill(rule))
                names = sorted(fields_by_path.get(url, set()) - {"csrf_token"}) or GENERIC_FIELDS
                plan.extend((m, url, names) for m in methods)
    assert len(plan) > 100
    return world, plan


def _fuzz(targets, login_as, data):
    world, plan = targets
    method, url, names = data.draw(st.sampled_from(plan))
    who = data.draw(st.sampled_from(VISITORS))
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    body = {name: data.draw(values) for name in chosen}
    client = login_as(None if who == "anonymous" else world.people[who])
    headers = {"HX-Request": "true"} if data.draw(st.booleans()) else {}
    if url.startswith("/api/"):
        r = client.open(url, method=method, json=body, headers=headers)
    else:
        r = client.open(url, method=method, data=body, headers=headers)
    assert r.status_code < 500, (who, method, url, body, r.status_code)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_every_write_endpoint(targets, login_as, data):
    _fuzz(targets, login_as, data)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_nightly(targets, login_as, data):
    _fuzz(targets, login_as, data)
