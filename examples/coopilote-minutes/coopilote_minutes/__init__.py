"""Comptes rendus (meeting minutes): the worked example of docs/plugins.md.

A tab (``minutes.index``), two permissions, a dashboard widget, a realtime notice
(``minutes:created``, keys ``minutes:<id>`` and ``minutes:list``) and a migration of its own.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from workspace.permissions import ALL_ROLES, Permission
from workspace.plugins import NavItem, Plugin, Widget

from . import models  # noqa: F401 - registers the table on the shared metadata
from .operations import latest
from .views import bp

HERE = Path(__file__).resolve().parent
MIGRATIONS = HERE / "migrations" / "versions"


def widget_data(project, user) -> dict | None:
    """The dashboard card: the three latest minutes, hidden when there are none."""
    meetings = latest(project.id)
    return {"meetings": meetings} if meetings else None


def on_load(app) -> None:
    # External packages are not in workspace.web.i18n's list: add our catalogue folder ourselves.
    translations = HERE / "translations"
    if translations.exists():
        app.extensions["babel"].translation_directories.append(str(translations))


plugin = Plugin(
    name="minutes",
    title=_l("Comptes rendus"),
    blueprint=bp,
    permissions=[
        Permission("minutes.view", ALL_ROLES),
        Permission("minutes.edit", {"director", "adviser"}, write=True),
    ],
    nav=[NavItem("minutes.index", _l("Comptes rendus"), "minutes.view", icon="file-text")],
    widgets=[
        Widget(
            "minutes",
            _l("Derniers comptes rendus"),
            "minutes/_widget.html",
            widget_data,
            "minutes.view",
            order=90,
        )
    ],
    on_load=on_load,
)
