"""Signing out in a real browser with « Se souvenir de moi » ticked signs out for good."""

from __future__ import annotations

from tests.browser.conftest import _skip_tours
from tests.factories import PASSWORD, create_user


def test_sign_out_with_remember_me_stays_signed_out(chromium, live_server):
    user = create_user(email="claire@example.org")
    _skip_tours(user)
    context = chromium.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server + "/login")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.check("input[name=remember]")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        names = {c["name"] for c in context.cookies()}
        assert "remember_token" in names
        copied = next(c for c in context.cookies() if c["name"] == "session")

        page.click(".user-menu summary")
        page.get_by_role("menuitem", name="Se déconnecter").click()
        page.wait_for_url(lambda url: "/login" in url)
        assert "remember_token" not in {c["name"] for c in context.cookies()}
        page.goto(live_server + "/")
        assert "/login" in page.url  # not signed in again

        # The session cookie copied before signing out no longer signs in.
        context.add_cookies([copied])
        page.goto(live_server + "/")
        assert "/login" in page.url
    finally:
        context.close()
