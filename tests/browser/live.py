"""Waiting for live refreshes to settle, without sleeps.

A change triggers htmx refreshes twice: from the page's own script after the response, and from
the realtime notice that the server emits after the commit (which may arrive before or after the
response). ``joined(page, user)`` waits until the page can receive notices at all;
``watch(page)`` counts the notices the page has received; ``settled(page, n)`` waits
until ``n`` notices arrived and no htmx request, swap or settle is under way, that is until the
page shows its final state. Strict locators on elements that live refreshes replace are only
safe after that (or with Playwright's auto-waiting ``expect``).
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import wait_until

WATCH_JS = """() => {
  if (window.__coopNotices === undefined) {
    window.__coopNotices = [];
    document.addEventListener('coop:notice', e => window.__coopNotices.push(e.detail.type));
  }
}"""
# The largest number of elements seen at once with each watched id, at every DOM mutation.
DUPLICATES_JS = """(ids) => {
  window.__coopMaxSeen = Object.fromEntries(ids.map(id => [id, 0]));
  const count = () => ids.forEach(id => {
    const n = document.querySelectorAll('#' + CSS.escape(id)).length;
    window.__coopMaxSeen[id] = Math.max(window.__coopMaxSeen[id], n);
  });
  count();
  new MutationObserver(count).observe(document.body, {childList: true, subtree: true});
}"""
SETTLED_JS = """(n) => (window.__coopNotices || []).length >= n
  && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"""


def joined(page, user) -> None:
    """Wait until the page's socket has joined the project's room (its own avatar in #presence,
    sent by the server after the join): a change made before that would not reach the page."""
    expect(page.locator(f"#presence [data-user-id='{user.id}']")).to_be_attached()


def watch(page) -> None:
    """Start counting the realtime notices this page receives (call before the change)."""
    page.evaluate(WATCH_JS)


def notices(page) -> list[str]:
    return page.evaluate("() => window.__coopNotices || []")


def settled(page, n: int = 1, timeout: float = 10.0) -> None:
    """Wait until the page received ``n`` notices since ``watch`` and its refreshes are done."""
    wait_until(page, SETTLED_JS, n, timeout)


def watch_duplicates(page, *ids: str) -> None:
    """Record, at every DOM mutation, how many elements carry each of these ids."""
    page.evaluate(DUPLICATES_JS, list(ids))


def max_seen(page) -> dict:
    return page.evaluate("() => window.__coopMaxSeen")
