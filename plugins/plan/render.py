"""A section's rich text (Quill's delta in a Yjs text) as blocks, safe HTML and plain text.

y-quill keeps Quill's formats in the Yjs text: inline ones (bold, italic, underline, strike,
link) on the characters, block ones (header, list, blockquote) on each line's newline. Only
the formats below are kept; everything else a client may have sent is dropped, text is
escaped, and links keep only http(s) and mailto addresses: the HTML is safe to show as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

INLINE = (("bold", "strong"), ("italic", "em"), ("underline", "u"), ("strike", "s"))
HEADERS = {2: "h3", 3: "h4"}
LISTS = {"bullet": "ul", "ordered": "ol"}
SAFE_SCHEMES = ("http://", "https://", "mailto:")
#: Every format the editor offers, unset: what a written run starts from.
NO_FORMATS = dict.fromkeys(["bold", "italic", "underline", "strike", "link", "header", "list"])
NO_FORMATS["blockquote"] = None


@dataclass
class Block:
    """One line: ``kind`` is p, h3, h4, quote, ul or ol; ``runs`` its (text, formats)."""

    kind: str = "p"
    runs: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


def _kind(attrs: dict | None) -> str:
    attrs = attrs or {}
    if attrs.get("header") in HEADERS:
        return HEADERS[attrs["header"]]
    if attrs.get("list") in LISTS:
        return LISTS[attrs["list"]]
    return "quote" if attrs.get("blockquote") else "p"


def block_formats(kind: str) -> dict:
    """The newline formats of a block kind (the inverse of :func:`_kind`)."""
    headers = {tag: {"header": level} for level, tag in HEADERS.items()}
    lists = {tag: {"list": name} for name, tag in LISTS.items()}
    return (headers | lists | {"quote": {"blockquote": True}}).get(kind, {})


def _inline(attrs: dict | None) -> dict:
    attrs = attrs or {}
    kept = {name: True for name, _tag in INLINE if attrs.get(name) is True}
    link = attrs.get("link")
    if isinstance(link, str) and link.strip().lower().startswith(SAFE_SCHEMES):
        kept["link"] = link.strip()[:2000]
    return kept


def blocks(diff: list[tuple[object, dict | None]]) -> list[Block]:
    """The lines of a Yjs text diff (``Text.diff()``), with only the kept formats."""
    out, line = [], Block()
    for chunk, attrs in diff:
        if not isinstance(chunk, str):
            continue  # an embed (image, formula): not offered by the editor
        parts = chunk.split("\n")
        for i, part in enumerate(parts):
            if part:
                line.runs.append((part, _inline(attrs)))
            if i < len(parts) - 1:  # a newline ends the line and carries its block format
                line.kind = _kind(attrs)
                out.append(line)
                line = Block()
    if line.runs:
        out.append(line)
    while out and not out[-1].text.strip() and out[-1].kind == "p":
        out.pop()
    return out


def _runs_html(runs: list[tuple[str, dict]]) -> str:
    html = []
    for text, formats in runs:
        piece = escape(text)
        for name, tag in INLINE:
            if formats.get(name):
                piece = f"<{tag}>{piece}</{tag}>"
        if "link" in formats:
            href = escape(formats["link"], quote=True)
            piece = f'<a href="{href}" rel="noopener noreferrer nofollow">{piece}</a>'
        html.append(piece)
    return "".join(html)


def to_html(lines: list[Block]) -> str:
    """Safe HTML of the blocks: list items grouped in their list."""
    html, open_list = [], None
    for line in lines:
        if line.kind != open_list and open_list:
            html.append(f"</{open_list}>")
            open_list = None
        inner = _runs_html(line.runs) or "<br>"
        if line.kind in LISTS.values():
            if open_list is None:
                html.append(f"<{line.kind}>")
                open_list = line.kind
            html.append(f"<li>{inner}</li>")
        elif line.kind == "quote":
            html.append(f"<blockquote>{inner}</blockquote>")
        else:
            html.append(f"<{line.kind}>{inner}</{line.kind}>")
    if open_list:
        html.append(f"</{open_list}>")
    return "".join(html)


def to_text(lines: list[Block]) -> str:
    """Plain text, one line per block (lists with « – » or numbers)."""
    out, number = [], 0
    for line in lines:
        number = number + 1 if line.kind == "ol" else 0
        prefix = {"ul": "– ", "ol": f"{number}. "}.get(line.kind, "")
        out.append(prefix + line.text)
    return "\n".join(out)


NNBSP = "\u202f"  # narrow no-break space: French high punctuation and guillemets
HIGH_PUNCTUATION = re.compile(r"[ \u00a0]+([;:!?»])")
AFTER_GUILLEMET = re.compile(r"«[ \u00a0]+")


def typeset(lines: list[Block]) -> list[Block]:
    """French typography for print: a narrow no-break space before ; : ! ? » and after «, so
    that a line never starts with a colon (typed spaces, or none, become that one space)."""

    def fix(text: str) -> str:
        text = HIGH_PUNCTUATION.sub(NNBSP + r"\1", text)
        text = re.sub(r"(?<=\w)([;!?])(?=\s|$)", NNBSP + r"\1", text)
        return AFTER_GUILLEMET.sub("«" + NNBSP, text)

    return [Block(b.kind, [(fix(text), formats) for text, formats in b.runs]) for b in lines]
