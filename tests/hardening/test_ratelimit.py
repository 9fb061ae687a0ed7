"""Sign-in and password-reset rate limits; session rotation on sign-in; the 429 page."""

from __future__ import annotations

from flask import session

from tests.factories import PASSWORD, create_user
from tests.html import without_csrf_tokens

TOO_MANY = "Trop de tentatives"


def _login(client, email, password="mauvais-mot-de-passe", ip="10.0.0.1"):  # noqa: S107
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_account_locked_after_five_failures_same_answer_for_unknown(app, client, limiter):
    create_user(email="claire@example.org")
    for i in range(5):
        # A different address each time: only the per-account counter can stop this.
        assert _login(client, "claire@example.org", ip=f"10.0.1.{i}").status_code == 400
        assert _login(client, "nobody@example.org", ip=f"10.0.2.{i}").status_code == 400
    known = _login(client, "Claire@Example.org ", ip="10.0.1.99")
    unknown = _login(client, "nobody@example.org", ip="10.0.2.99")
    assert known.status_code == unknown.status_code == 429
    assert TOO_MANY in known.text and TOO_MANY in unknown.text
    # The same page, in the layout, whether the account exists or not.
    assert without_csrf_tokens(known.text) == without_csrf_tokens(unknown.text)
    assert "<nav" in known.text or "<main" in known.text
    assert int(known.headers["Retry-After"]) > 0
    # Even the right password is refused while locked (brute force gains nothing).
    assert _login(client, "claire@example.org", PASSWORD, ip="10.0.1.98").status_code == 429
    # Another account from the same addresses is unaffected.
    create_user(email="karim@example.org")
    assert _login(client, "karim@example.org", PASSWORD, ip="10.0.1.97").status_code == 302


def test_successful_sign_ins_do_not_count(app, limiter):
    create_user(email="claire@example.org")
    for _ in range(8):
        c = app.test_client()
        assert _login(c, "claire@example.org", PASSWORD).status_code == 302


def test_address_limited_across_accounts(app, client, limiter):
    app_limit = int(app.config["RATELIMIT_LOGIN_IP"].split()[0])
    for i in range(app_limit):
        assert _login(client, f"user{i}@example.org", ip="10.9.9.9").status_code == 400
    assert _login(client, "another@example.org", ip="10.9.9.9").status_code == 429
    assert _login(client, "another@example.org", ip="10.9.9.10").status_code == 400


def test_reading_the_form_is_not_limited(client, limiter):
    for _ in range(40):
        assert client.get("/login").status_code == 200


def test_reset_requests_limited_per_account_and_address(app, client, limiter):
    create_user(email="claire@example.org")
    for i in range(3):
        r = client.post(
            "/reset",
            data={"email": "claire@example.org"},
            environ_base={"REMOTE_ADDR": f"10.3.0.{i}"},
        )
        assert r.status_code == 200
    r = client.post(
        "/reset", data={"email": "claire@example.org"}, environ_base={"REMOTE_ADDR": "10.3.0.9"}
    )
    assert r.status_code == 429 and TOO_MANY in r.text
    ghost = [
        client.post(
            "/reset",
            data={"email": "ghost@example.org"},
            environ_base={"REMOTE_ADDR": f"10.4.0.{i}"},
        ).status_code
        for i in range(4)
    ]
    assert ghost == [200, 200, 200, 429]  # the same counting for an unknown address
    ip_limit = int(app.config["RATELIMIT_RESET_IP"].split()[0])
    codes = [
        client.post(
            "/reset", data={"email": f"p{i}@example.org"}, environ_base={"REMOTE_ADDR": "10.5.0.1"}
        ).status_code
        for i in range(ip_limit + 1)
    ]
    assert codes[:-1] == [200] * ip_limit and codes[-1] == 429


def test_limiter_off_by_default_under_tests(app, client):
    assert app.extensions["coopilote.limiter"].enabled is False


def test_session_rotated_on_sign_in(app):
    create_user(email="claire@example.org")
    c = app.test_client()
    with c.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
    assert _login(c, "claire@example.org", PASSWORD).status_code == 302
    with c.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("_user_id")


def test_session_rotation_really_clears(app):
    """Guard: the planted key survives a failed sign-in (so the test above is meaningful)."""
    c = app.test_client()
    with c.session_transaction() as sess:
        sess["planted"] = "x"
    _login(c, "nobody@example.org")
    with c.session_transaction() as sess:
        assert sess.get("planted") == "x"
    assert session is not None


def test_a_right_password_passes_an_exhausted_address(app, client, limiter):
    """One office behind one address: a colleague's typos do not lock everyone out."""
    create_user(email="claire@example.org")
    app_limit = int(app.config["RATELIMIT_LOGIN_IP"].split()[0])
    for i in range(app_limit):
        assert _login(client, f"user{i}@example.org", ip="10.8.8.8").status_code == 400
    refused = _login(client, "claire@example.org", ip="10.8.8.8")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert TOO_MANY in refused.text
    right = _login(app.test_client(), "claire@example.org", PASSWORD, ip="10.8.8.8")
    assert right.status_code == 302


def test_the_public_request_form_is_limited_per_address(client, limiter):
    """Each request to the Pôle notifies its advisers and sends a mail: ten an hour per
    address, then a French 429; reading the form stays free."""
    for _ in range(10):
        assert client.post("/demande", data={}).status_code == 400
    r = client.post("/demande", data={})
    assert r.status_code == 429 and "Retry-After" in r.headers
    assert client.get("/demande").status_code == 200
