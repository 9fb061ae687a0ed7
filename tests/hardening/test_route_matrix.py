"""THE authorisation matrix: every rule of the URL map × every kind of visitor.

The test walks ``app.url_map`` (core, plugins, API), fills each rule's arguments with real
objects of the demo project (tests.hardening.world) and requests it as anonymous, outsider,
site admin (not a member) and each role, with GET and with each write method the rule accepts
(no body). A rule whose arguments cannot be filled fails the test, so a new endpoint cannot be
forgotten. Then every project rule with an object id is requested under another project's URL
(IDOR): 404.
"""

from __future__ import annotations

from tests.hardening.world import demo_world

VISITORS = [
    "anonymous",
    "outsider",
    "admin",
    "funder",
    "evaluator",
    "adviser",
    "director",
    "coordinator",
]
WRITES = ("POST", "PATCH", "PUT", "DELETE")

# Reachable without signing in (a bad token gives 404/410, never a login redirect).
PUBLIC = {
    "auth.login",
    "auth.switch_language",
    "account.reset_request",
    "account.reset",
    "account.invitation",
    "intake.request_form",
    "intake.thanks",
    "static",
    "milestones_public.feed",
    "api_ui.docs",
    "api_ui.openapi_json",
}
# Project POSTs a funder may make because they change nothing of the project: marking
# comments read, producing the report and the indicators workbook it is entitled to download
# (background jobs of its own), its own calendar link.
FUNDER_READS = {
    "comments.read",
    "dashboard.generate",
    "indicators.export_xlsx",
    "milestones.calendar",
}


def _call_staff_only(rule) -> bool:
    """A call's applications, their instruction and follow-up: its funder's staff alone (the
    demo's « funder » visitor is the Conseil départemental's agent whose call it is)."""
    return rule.rule.startswith("/appels/<int:call_id>/candidatures") or rule.rule.endswith(
        "/comparaison"
    )


#: Applying to a call: a project's coordination alone (the demo's coordinator).
COORDINATION_ONLY = {"funding_calls.apply"}


def _refused(response) -> bool:
    """An error, or the sign-in page (a visitor whose session an earlier write ended)."""
    login = response.status_code == 302 and "/login" in response.headers.get("Location", "")
    return response.status_code >= 400 or login


def _is_project_rule(rule) -> bool:
    return "project_id" in rule.arguments


# Signing out (here or everywhere) ends the visitor's session: requested last.
SESSION_ENDING = {"auth.logout", "account.sign_out_everywhere"}


def _rules(app):
    return sorted(
        app.url_map.iter_rules(), key=lambda r: (r.endpoint in SESSION_ENDING, r.rule, r.endpoint)
    )


def _methods(rule):
    return ["GET"] * ("GET" in rule.methods) + [m for m in WRITES if m in rule.methods]


def _check(who, method, rule, response, failures):
    code = response.status_code
    where = f"{who} {method} {rule.rule} ({rule.endpoint}) → {code}"
    if code >= 500:
        failures.append(where)
        return
    if rule.endpoint in PUBLIC:
        return
    if who == "anonymous":
        location = response.headers.get("Location", "")
        if not (code == 401 or (code == 302 and "/login" in location)):
            failures.append(where + f" {location}")
    elif who in ("outsider", "admin") and _is_project_rule(rule):
        if code not in (401, 403, 404):
            failures.append(where)
    elif _call_staff_only(rule) and who != "funder" and not _refused(response):
        failures.append(where + " (the call's funder staff alone)")
    elif rule.endpoint in COORDINATION_ONLY and who != "coordinator" and not _refused(response):
        failures.append(where + " (a project's coordination alone)")
    elif who == "outsider" and rule.rule.startswith("/admin"):
        if code not in (403, 404):
            failures.append(where)
    elif (
        who == "funder"
        and method != "GET"
        and _is_project_rule(rule)
        and code < 400
        and rule.endpoint not in FUNDER_READS
    ):
        failures.append(where)


def _request(client, method, url):
    return client.open(url, method=method, headers={"Accept": "text/html"})


def test_every_route_for_every_visitor(app, login_as):
    world = demo_world()
    clients = {who: login_as(world.people.get(who)) for who in VISITORS}
    failures: list[str] = []
    plan = []
    for rule in _rules(app):
        values = world.fill(rule)  # raises for an argument nobody taught the test
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        plan.append((rule, url))
    assert len(plan) > 150
    # Reads first, then writes: a write (e.g. a coordinator's delete) may remove an object.
    for method_kind in ("GET", "WRITE"):
        for who in VISITORS:
            for rule, url in plan:
                for method in _methods(rule):
                    if (method == "GET") != (method_kind == "GET"):
                        continue
                    response = _request(clients[who], method, url)
                    _check(who, method, rule, response, failures)
    assert not failures, "\n".join(failures)


def test_object_of_another_project_is_404(app, login_as):
    """IDOR: people with the same roles in both projects ask for project A's objects under
    project B's URL. The answer is 404, or (when the route checks the role or the body first)
    exactly the answer for an id that exists nowhere: never a success, never an oracle."""
    from flask import url_for

    world = demo_world()
    clients = {r: login_as(world.people[r]) for r in ("coordinator", "adviser", "evaluator")}
    failures, strict, checked = [], 0, 0
    for rule in _rules(app):
        ids = [a for a in rule.arguments if a.endswith("_id") and a != "project_id"]
        if not _is_project_rule(rule) or not ids:
            continue
        values = world.fill(rule, project_id=world.other.id, ids_from=world.project.id)
        nowhere = {**values, **dict.fromkeys(ids, 2**31 - 1)}
        with app.test_request_context():
            url, missing_url = url_for(rule.endpoint, **values), url_for(rule.endpoint, **nowhere)
        for method in _methods(rule):
            for who, client in clients.items():
                checked += 1
                code = _request(client, method, url).status_code
                if code == 404:
                    strict += 1
                    continue
                reference = _request(client, method, missing_url).status_code
                if code < 400 or code != reference:
                    failures.append(f"{who} {method} {url} ({rule.endpoint}) → {code}/{reference}")
    assert checked > 200 and strict > 100, (checked, strict)
    assert not failures, "\n".join(failures)
