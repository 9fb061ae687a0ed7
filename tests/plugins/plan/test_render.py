"""A section's text as HTML: only the offered formats, everything escaped, safe links only."""

from __future__ import annotations

from plugins.plan import render


def _html(diff) -> str:
    return render.to_html(render.blocks(diff))


def test_formats_headers_lists_and_quotes():
    diff = [
        ("Gouvernance", None),
        ("\n", {"header": 2.0}),
        ("Le comité ", None),
        ("décide", {"bold": True, "italic": True}),
        (" à la majorité.\nUn\n", None),
        ("\n", {"list": "bullet"}),
        ("Deux", None),
        ("\n", {"list": "bullet"}),
        ("Citation", None),
        ("\n", {"blockquote": True}),
    ]
    assert _html(diff) == (
        "<h3>Gouvernance</h3><p>Le comité <em><strong>décide</strong></em> à la majorité.</p>"
        "<p>Un</p><ul><li><br></li><li>Deux</li></ul><blockquote>Citation</blockquote>"
    )


def test_text_is_escaped_and_unknown_formats_dropped():
    diff = [
        ('<script>alert("x")</script>', {"script": "x", "color": "red", "bold": "yes"}),
        ("\n", {"header": 1, "align": "center", "list": "<ol>"}),
    ]
    html = _html(diff)
    assert html == "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>"


def test_only_safe_links_are_kept():
    diff = [
        ("site", {"link": 'https://example.org/?a=1&b="2"'}),
        (" piège", {"link": "javascript:alert(1)"}),
        (" mail", {"link": "mailto:contact@example.org"}),
        ("\n", None),
    ]
    html = _html(diff)
    href = "https://example.org/?a=1&amp;b=&quot;2&quot;"
    assert f'<a href="{href}" rel="noopener noreferrer nofollow">site</a>' in html
    assert "javascript" not in html and " piège" in html
    assert 'href="mailto:contact@example.org"' in html


def test_embeds_are_ignored_and_plain_text_numbers_lists():
    diff = [
        ({"image": "data:x"}, None),
        ("Un\n", {"list": "ordered"}),
        ("Deux\n", {"list": "ordered"}),
    ]
    lines = render.blocks(diff)
    assert render.to_html(lines) == "<ol><li>Un</li><li>Deux</li></ol>"
    assert render.to_text(lines) == "1. Un\n2. Deux"


def test_block_formats_are_the_inverse_of_the_kinds():
    for kind in ("p", "h3", "h4", "quote", "ul", "ol"):
        assert render._kind(render.block_formats(kind)) == kind
