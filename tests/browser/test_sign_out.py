"""Signing out in a real browser with « Se souvenir de moi » ticked signs out for good."""

from __future__ import annotations

from tests.factories import create_user


def test_sign_out_with_remember_me_stays_signed_out(page_for, live_server):
    page = page_for(create_user(email="claire@example.org"), remember=True)
    context = page.context
    assert "remember_token" in {c["name"] for c in context.cookies()}
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
