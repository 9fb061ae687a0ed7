"""Markdown → safe HTML, with @mentions of project members.

markdown-it-py renders with raw HTML disabled; mentions are wrapped in text nodes only; nh3
(ammonia) then keeps a small allow-list: no images (nothing fetched from elsewhere), links
limited to http(s)/mailto with ``rel="noopener nofollow"``. The result is stored with the
comment, so every reader receives the same, already sanitised HTML.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False}).enable(
    "strikethrough"
)
TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "span",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
}
ATTRIBUTES = {"a": {"href", "title"}, "span": {"data-user"}, "ol": {"start"}}
_TAG_SPLIT = re.compile(r"(<[^>]*>)")


def _mention_pattern(names: list[str]) -> re.Pattern | None:
    if not names:
        return None
    # Longest names first so that "@Marie Claire Dupont" wins over "@Marie Claire".
    alts = "|".join(re.escape(html.escape(n, quote=False)) for n in sorted(names, key=len)[::-1])
    return re.compile(rf"(?<![\w@])@({alts})(?![\w-])", re.IGNORECASE)


def _ids(value) -> list[int]:
    return list(value) if isinstance(value, list | tuple | set) else [value]


def find_mentions(text: str, members: dict) -> set[int]:
    """Ids of the members (``{name: id or [ids]}``) mentioned as ``@Full Name`` in ``text``."""
    pattern = _mention_pattern(list(members))
    if pattern is None:
        return set()
    lower = {n.lower(): _ids(v) for n, v in members.items()}
    found = pattern.findall(html.escape(text, quote=False))
    return {uid for m in found for uid in lower[html.unescape(m).lower()]}


def _wrap_mentions(rendered: str, members: dict) -> str:
    pattern = _mention_pattern(list(members))
    if pattern is None:
        return rendered
    lower = {html.escape(n, quote=False).lower(): _ids(v)[0] for n, v in members.items()}
    out, skip = [], 0
    for part in _TAG_SPLIT.split(rendered):
        if part.startswith("<"):
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in ("code", "pre", "a"):
                skip += -1 if part.startswith("</") else 1
            out.append(part)
        elif skip <= 0:
            out.append(
                pattern.sub(
                    lambda m: (
                        f'<span class="mention" data-user="{lower[m.group(1).lower()]}">'
                        f"@{m.group(1)}</span>"
                    ),
                    part,
                )
            )
        else:
            out.append(part)
    return "".join(out)


def render_markdown(text: str, members: dict | None = None) -> str:
    """Sanitised HTML of a comment; ``members`` maps full names to user id(s) for mentions."""
    rendered = _wrap_mentions(_md.render(text), members or {})
    return nh3.clean(
        rendered,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes={"span": {"mention"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
        strip_comments=True,
    )
