"""Read the forms of a page as a browser would submit them (for concurrency and fuzz tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name → value (first value wins)
    kinds: dict = field(default_factory=dict)  # name → input type / "select" / "textarea"
    options: dict = field(default_factory=dict)  # select name → option values


class _Parser(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url, self.forms, self.form = url, [], None
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            action = a.get("hx-post") or a.get("action") or self.url
            self.form = Form(action=action, method="post" if "hx-post" in a else method)
            self.forms.append(self.form)
            return
        if tag == "option" and self.form is not None and self._select:
            self._option(a)
            return
        if self.form is None or not a.get("name"):
            return
        name, f = a["name"], self.form
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            f.kinds.setdefault(name, kind)
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    f.fields.setdefault(name, a.get("value", "y"))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                f.fields.setdefault(name, a.get("value", ""))
        elif tag == "textarea":
            f.kinds.setdefault(name, "textarea")
            self._textarea = name
            f.fields.setdefault(name, "")
        elif tag == "select":
            f.kinds.setdefault(name, "select")
            self._select = name
            f.options.setdefault(name, [])

    def _option(self, a):
        f, value = self.form, a.get("value", "")
        f.options[self._select].append(value)
        # The selected option, else the first one (what a browser submits).
        if "selected" in a or self._select not in f.fields:
            f.fields[self._select] = value

    def handle_data(self, data):
        if self.form is not None and self._textarea:
            current = self.form.fields[self._textarea]
            if not current and data.startswith(("\r\n", "\n")):
                data = data[2:] if data.startswith("\r\n") else data[1:]  # as browsers do
            self.form.fields[self._textarea] = current + data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.form = None


def forms_of(html: str, url: str = "") -> list[Form]:
    parser = _Parser(url)
    parser.feed(html)
    return parser.forms


def form_posting_to(html: str, path: str) -> Form:
    """The form of the page that posts to ``path`` (its action ends with it)."""
    for form in forms_of(html, path):
        if form.method == "post" and form.action.split("?")[0].endswith(path):
            return form
    raise LookupError(f"no form posting to {path}")
