"""Locales: French by default, English complete. Catalogues live beside each package.

Message ids are French (the interface's first language); each package (``workspace`` and each
plugin) keeps ``translations/en/LC_MESSAGES/messages.po``. ``python -m workspace.web.i18n compile``
compiles them all (``make`` does it); ``python -m workspace.web.i18n update`` re-extracts the
strings of every package and merges them into its catalogue, keeping existing translations.
"""

from __future__ import annotations

import sys
from pathlib import Path

from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain
from flask_login import current_user

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    ROOT / "workspace",
    *sorted(p for p in (ROOT / "plugins").iterdir() if p.is_dir() and (p / "__init__.py").exists()),
]


def translation_dirs() -> list[str]:
    """Every package's ``translations`` folder. Flask-Babel merges their catalogues in this
    order, a later one overriding an earlier one: the core's comes last, so that no plugin
    can change a core string. Two catalogues never translate one message differently
    (``tests/core/test_i18n.py``); a word meaning something else in a plugin takes a context
    (``pgettext("indicator status", "en retard")``)."""
    dirs = [str(p / "translations") for p in PACKAGES[1:] if (p / "translations").exists()]
    return [*dirs, str(ROOT / "workspace" / "translations")]


def select_locale() -> str:
    """The signed-in person's locale, else the session's choice, else the browser's; French
    outside a request (CLI, demo, background work)."""
    langs = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in langs:
        return current_user.locale
    if session.get("lang") in langs:
        return session["lang"]
    return request.accept_languages.best_match(langs) or "fr"


class RequestDomain(Domain):
    """Flask-Babel's message domain, its translations remembered for the request.

    Flask-Babel looks the translations up again on every message (the context, the locale,
    its identifier, the cache: ~7 µs); a page says « Enregistrer » hundreds of times. The
    translations are kept on Flask-Babel's own per-context namespace beside the locale object
    they were looked up for: ``force_locale`` and ``refresh`` replace that object, and the
    next message looks them up again.
    """

    def get_translations(self):
        try:
            ns = g.get("_flask_babel")
        except RuntimeError:  # outside an application context
            ns = None
        if ns is not None:
            memo = ns.__dict__.get("coop_translations")
            if memo is not None and memo[0] is ns.__dict__.get("babel_locale"):
                return memo[1]
        translations = super().get_translations()
        ns = g.get("_flask_babel") if ns is None and has_app_context() else ns
        if ns is not None and getattr(ns, "babel_locale", None) is not None:
            ns.coop_translations = (ns.babel_locale, translations)
        return translations


def install_translations(app, babel) -> None:
    """The remembered translations for Python (``gettext``, lazy strings) and for templates
    (``_``, ``ngettext``, ``pgettext``: Jinja's own wrappers around them)."""
    domain = babel.domain_instance = RequestDomain(domain=app.extensions["babel"].default_domain)
    tr = domain.get_translations
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: tr().ugettext(s),
        ngettext=lambda s, p, n: tr().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: tr().upgettext(c, s),
        npgettext=lambda c, s, p, n: tr().unpgettext(c, s, p, n),
    )


def _catalog_path(package: Path) -> Path:
    return package / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def compile_all() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for package in PACKAGES:
        po = _catalog_path(package)
        if not po.exists():
            continue
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale="en")
        with mo.open("wb") as f:
            write_mo(f, catalog)


def extract(package: Path):
    """The catalogue of every translatable string in one package's code and templates."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    method_map = [
        ("**.py", "python"),
        ("**/templates/**.html", "jinja2"),
        ("**/templates/**.txt", "jinja2"),
    ]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    catalog = Catalog(locale="en")
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "lazy_gettext": None,
        "_l": None,
        "_n": (1, 2),
        "lazy_ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "npgettext": ((1, "c"), 2, 3),
        "lazy_pgettext": ((1, "c"), 2),
    }
    for filename, lineno, message, comments, context in extract_from_dir(
        package, method_map, options, keywords=keywords
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    if package == ROOT / "workspace":
        # The core's own templates live at the top level (templates/), beside the package.
        core_map = [("**.html", "jinja2"), ("**.txt", "jinja2")]
        core_options = {"**.html": {"extensions": "jinja2.ext.i18n"}}
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / "templates", core_map, core_options, keywords=keywords
        ):
            where = [(f"templates/{filename}", lineno)]
            catalog.add(message, None, where, auto_comments=comments, context=context)
    return catalog


def update_all(only: list[str] | None = None) -> None:
    """Re-extract and merge catalogues (``only``: package folders, e.g. ``plugins/board``)."""
    from babel.messages.pofile import read_po, write_po

    wanted = {Path(p).resolve() for p in only or []}
    for package in PACKAGES:
        if wanted and package not in wanted:
            continue
        template = extract(package)
        po = _catalog_path(package)
        if po.exists():
            with po.open("rb") as f:
                catalog = read_po(f, locale="en")
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = template
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, sort_output=True)


def missing(package: Path) -> list[str]:
    """Message ids used in a package with no English translation (fuzzy counts as missing)."""
    from babel.messages.pofile import read_po

    po = _catalog_path(package)
    translated: dict = {}
    if po.exists():
        with po.open("rb") as f:
            for m in read_po(f, locale="en"):
                if m.id and m.string and not m.fuzzy:
                    translated[m.id if isinstance(m.id, str) else m.id[0]] = m.string
    out = []
    for m in extract(package):
        key = m.id if isinstance(m.id, str) else m.id[0]
        if m.id and key not in translated:
            out.append(key)
    return out


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if command == "compile":
        compile_all()
    elif command == "update":
        update_all(sys.argv[2:])
    elif command == "check":
        gaps = {p.name: missing(p) for p in PACKAGES}
        for name, ids in gaps.items():
            for i in ids:
                print(f"{name}: {i!r}")
        sys.exit(1 if any(gaps.values()) else 0)
    else:
        sys.exit("usage: python -m workspace.web.i18n [compile|update [PACKAGE_DIR…]|check]")
