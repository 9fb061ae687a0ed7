"""Crawl: every page a person can reach by following links answers without a server error.

For each demo role, an outsider (in no project) and the site administrator, start at ``/`` and
follow every same-origin link found in the pages (``href`` and htmx ``hx-get``, notification
links included), breadth first. Each address is fetched as a full page *and* as an htmx
request; neither may answer 5xx or raise (a template error propagates under test). Addresses
are grouped by route pattern (numbers replaced, query names kept) and each pattern is visited
with at most :data:`PER_PATTERN` addresses, so the crawl stays within a minute or two while
every kind of page, panel and fragment is seen.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest

from tests.hardening.world import demo_world

PER_PATTERN = 3
VISITORS = ["coordinator", "director", "adviser", "evaluator", "funder", "outsider", "admin"]
SKIP_PREFIXES = ("/static/", "/socket.io", "/api/v1/docs")
ORIGIN = "http://localhost"
# Downloads are fetched once as a page (no htmx variant: a file is no fragment).
DOWNLOADS = re.compile(r"\.(csv|xlsx|zip|json|ics|pdf|docx)$|/files/\d+$")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "hx-get" or (name == "href" and tag in ("a", "link"))):
                self.found.append(value)


def links_of(html: str, page: str = "/") -> list[str]:
    """Same-origin addresses linked from ``html`` (relative ones resolved against ``page``)."""
    parser = _Links()
    parser.feed(html)
    out = []
    for raw in parser.found:
        url, _fragment = urldefrag(urljoin(ORIGIN + page, raw.strip()))
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN or parts.path.startswith(SKIP_PREFIXES):
            continue  # another site, mailto:, javascript:, static files
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def pattern(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$|\.)", "/<n>", parts.path)
    names = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(names) if names else "")


def _fetch(client, url: str, htmx: bool):
    headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost/"} if htmx else {}
    try:
        return client.get(url, headers=headers, follow_redirects=True), None
    except Exception as exc:  # a template or view error, reported with its URL
        return None, f"{type(exc).__name__}: {exc}"


def crawl(client) -> tuple[list[str], int]:
    """Visit what ``client`` can reach from ``/``; returns (failures, addresses visited)."""
    seen_urls, per_pattern = {"/"}, {}
    queue, failures, visited = deque(["/"]), [], 0
    while queue:
        url = queue.popleft()
        variants = [False] if DOWNLOADS.search(urlsplit(url).path) else [False, True]
        for htmx in variants:
            response, error = _fetch(client, url, htmx)
            visited += 1
            label = f"{'htmx ' if htmx else ''}GET {url}"
            if error or response.status_code >= 500:
                failures.append(f"{label} → {error or response.status_code}")
                continue
            if htmx or response.mimetype != "text/html":
                continue
            for link in links_of(response.text, url):
                key = pattern(link)
                if link in seen_urls or per_pattern.get(key, 0) >= PER_PATTERN:
                    continue
                seen_urls.add(link)
                per_pattern[key] = per_pattern.get(key, 0) + 1
                queue.append(link)
    return failures, visited


@pytest.mark.xdist_group("crawl")
@pytest.mark.parametrize("who", VISITORS)
def test_crawl_every_reachable_page(login_as, who):
    world = demo_world()
    client = login_as(world.people[who])
    failures, visited = crawl(client)
    assert visited > (40 if who not in ("outsider", "admin") else 5), visited
    assert failures == [], "\n".join(failures)


def test_the_crawl_sees_task_links_and_notifications(login_as):
    """The links that broke (a task opened by its address) are among those followed."""
    world = demo_world()
    client = login_as(world.people["director"])
    board = f"/projects/{world.project.id}/board/"
    found = {pattern(u) for u in links_of(client.get("/").text)}
    found |= {pattern(u) for u in links_of(client.get(board).text, board)}
    assert "/projects/<n>/board/?task" in found, sorted(found)
    assert any(p.startswith("/notifications") for p in found), sorted(found)
