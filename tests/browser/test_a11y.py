"""Accessibility: axe-core (vendored, static/vendor/axe.min.js) on every full page of the demo
project as each role, desktop size: zero serious or critical violations (WCAG 2.1 A/AA rules).

The pages are every GET rule of the URL map that answers a full HTML page to the role (found
with the test client first), so a new page is checked without being listed here.
"""

from __future__ import annotations

from pathlib import Path

from flask import url_for

from tests.factories import _HASH
from tests.hardening.test_route_matrix import _rules
from tests.hardening.world import demo_world
from workspace.extensions import db

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe.min.js"
# Injected by URL from the app itself: the CSP (script-src 'self') refuses inline scripts, and
# the pages are checked with their real CSP on.
AXE_URL = "/static/vendor/axe.min.js"
ROLES = ["coordinator", "director", "adviser", "evaluator", "funder", "admin"]
RUN_AXE = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def _full_pages(app, client, world) -> list[str]:
    urls = []
    with app.test_request_context():
        for rule in _rules(app):
            if "GET" not in rule.methods or rule.endpoint.startswith(("static", "api")):
                continue
            if rule.endpoint in ("auth.login",):
                continue
            url = url_for(rule.endpoint, **world.fill(rule))
            r = client.get(url)
            if r.status_code == 200 and r.mimetype == "text/html" and "<html" in r.text[:300]:
                urls.append(url)
    return urls


def test_axe_is_vendored():
    assert AXE.stat().st_size > 100_000


def test_no_serious_violation_on_any_page_for_any_role(app, login_as, page_for, live_server):
    world = demo_world()
    for user in world.people.values():
        user.password_hash = _HASH  # page_for signs in with the factories' password
    db.session.commit()
    failures = []
    pages_checked = 0
    for role in ROLES:
        urls = _full_pages(app, login_as(world.people[role]), world)
        page = page_for(world.people[role])
        for url in urls:
            page.goto(live_server + url)
            page.add_script_tag(url=live_server + AXE_URL)
            for v in page.evaluate(RUN_AXE):
                failures.append(f"{role} {url}: {v['impact']} {v['id']} {v['targets']}")
            pages_checked += 1
        page.context.close()
    assert pages_checked > 60, pages_checked
    assert not failures, "\n".join(failures)


def test_login_and_reset_pages(chromium, live_server):
    context = chromium.new_context(locale="fr-FR")
    page = context.new_page()
    failures = []
    for path in ("/login", "/reset", "/reset/jeton-invalide"):
        page.goto(live_server + path)
        page.add_script_tag(url=live_server + AXE_URL)
        failures += [f"{path}: {v['id']} {v['targets']}" for v in page.evaluate(RUN_AXE)]
    context.close()
    assert not failures, "\n".join(failures)
