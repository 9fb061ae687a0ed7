"""Comments are rendered inert: markdown without raw HTML, then an nh3 allow-list."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from plugins.comments.models import Comment
from plugins.comments.render import ATTRIBUTES, TAGS, render_markdown
from workspace.extensions import db

from .helpers import post, thread_url
from .xss import PAYLOADS


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def check_inert(html: str) -> None:
    parser = Collect()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in TAGS, (tag, html)
        allowed = ATTRIBUTES.get(tag, set()) | ({"class", "rel"} if tag in ("span", "a") else set())
        assert set(attrs) <= allowed, (tag, attrs, html)
        if tag == "a":
            assert attrs["href"].split(":")[0] in ("http", "https", "mailto"), html
            assert attrs["rel"] == "noopener nofollow"
        if tag == "span":
            assert attrs.get("class") == "mention"
    # Whatever remains of a payload is text: every "<" outside allowed tags is escaped.
    assert "javascript:" not in " ".join(v or "" for _t, a in parser.tags for v in a.values())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_rendered_inert(payload):
    html = render_markdown(payload, {"Claire Martin": 1})
    check_inert(html)


def test_corpus_is_about_thirty_payloads():
    assert len(PAYLOADS) >= 30


def test_links_get_rel_and_images_are_dropped():
    html = render_markdown("[site](https://example.org) ![logo](https://evil.example/x.png)")
    assert '<a href="https://example.org" rel="noopener nofollow">site</a>' in html
    assert "<img" not in html and "evil.example" not in html


def test_markdown_basics():
    html = render_markdown("**gras** *it* `code`\n\n- un\n- deux\n\n> cité")
    assert "<strong>gras</strong>" in html and "<em>it</em>" in html
    assert "<code>code</code>" in html and "<li>un</li>" in html and "<blockquote>" in html


def test_mentions_are_not_wrapped_inside_code_or_links():
    html = render_markdown("`@Claire Martin` [@Claire Martin](https://x.org)", {"Claire Martin": 7})
    assert 'data-user="7"' not in html


def test_stored_html_is_inert_and_served_inert(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    for payload in PAYLOADS:
        assert post(client, project, payload).status_code == 201
    for comment in db.session.scalars(db.select(Comment)):
        check_inert(comment.html)
    page = client.get(thread_url(project))
    assert "<script>window.__xss" not in page.text
    assert "<img src=x" not in page.text and "<svg onload" not in page.text
