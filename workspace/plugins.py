"""The plugin contract and the loader.

A plugin is a package exposing one :class:`Plugin` object named ``plugin``. Built-in plugins
(``plugins.<name>``) are listed in ``WORKSPACE_PLUGINS``; external ones are found through the
``coopilote.plugins`` entry-point group (``name = "package.module:plugin"``).

The loader checks each plugin before anything is registered: its name is unique, every
permission is prefixed ``<name>.`` and unique, its blueprint is named after it, and its
templates live under ``templates/<name>/`` so that two ``index.html`` cannot collide.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

from flask import Blueprint, Flask, current_app
from markupsafe import Markup

from workspace.permissions import Permission, register

ENTRY_POINT_GROUP = "coopilote.plugins"


class PluginError(RuntimeError):
    """A plugin breaks the contract; the message says which and how."""


@dataclass
class NavItem:
    """A tab in the project's left navigation (shown when the user has ``permission``)."""

    endpoint: str
    label: str
    permission: str
    icon: str = "layout-dashboard"
    order: int = 50


@dataclass
class Widget:
    """A dashboard card. ``data(project, user)`` returns the template's context (a dict), or
    None to hide the card; ``template`` is rendered with it plus ``project``."""

    name: str
    title: str
    template: str
    data: Callable
    permission: str
    order: int = 50
    size: str = "normal"  # "normal" or "wide"
    #: True when the card shows the viewer something beyond what their roles allow (their
    #: own tasks, say): it is then rendered on every view instead of reused while the
    #: project's data is unchanged (plugins/dashboard/views.py).
    personal: bool = False
    #: The parts of the project's revisions the card shows (workspace/cache/revisions.py),
    #: when known: it is then reused while they, the people and whatever no part claims
    #: (``other``) are unchanged — a task moved does not render the indicators' card again.
    #: None: any change of the project renders it again; a function of no argument: asked on
    #: each view (the calendar's parts depend on the plugins installed).
    parts: tuple[str, ...] | Callable | None = None


@dataclass
class CalendarEntry:
    """A whole-day event of the project's private iCalendar feed (hook ``calendar_entries``).

    ``uid`` is stable across feeds (``task-12``): calendars update the event instead of
    duplicating it when its date or title changes."""

    uid: str
    day: date
    summary: str
    url: str
    description: str = ""


@dataclass
class Commentable:
    """An object type people can comment on (the comments plugin imports no other plugin).

    ``resolve(project, object_id)`` returns the object or None if it is not in that project;
    ``label(obj)`` a short human title; ``url(obj)`` where it is shown; ``permission`` the
    permission needed to see it. ``model``: the mapped class (with ``id`` and ``project_id``)
    whose rows ``resolve`` reads with ``session.get``, if it does: a list of conversations then
    loads them all in one query first, and each ``resolve`` finds its object in the session.
    """

    type: str
    resolve: Callable
    label: Callable
    url: Callable
    permission: str
    model: type | None = None


@dataclass
class Searchable:
    """Objects the search across projects finds (top bar, ``/search``): rows of ``model`` (it
    has ``project_id``) where every typed word is in one of ``columns``, in the projects where
    the person has ``permission``. ``label(obj)`` / ``url(obj)`` as for :class:`Commentable`;
    ``where``: an extra condition (e.g. not archived); ``kind``: what the hit is (« Tâche »)."""

    kind: str
    model: type
    columns: tuple
    label: Callable
    url: Callable
    permission: str
    icon: str = "file-text"
    where: object | None = None


@dataclass
class Plugin:
    """What a plugin package declares.

    - ``name``: blueprint name, template folder, table prefix and permission prefix.
    - ``blueprint``: mounted under ``/projects/<int:project_id>/<name>`` (``url_prefix`` unset)
      unless ``mount_at_root`` (for pages across projects, e.g. "my tasks").
    - ``root_blueprint``: optional second blueprint mounted at ``/`` (cross-project pages).
    - ``api``: optional blueprint of JSON resources (``plugins/<name>/api.py``), mounted at
      ``/api/v1/projects/<int:project_id>/<name>``; see workspace.api.base (docs/api.md).
    - ``site_api``: optional blueprint of JSON resources across projects, mounted at
      ``/api/v1/<name>`` (the dashboard's portfolio).
    - ``permissions``: list of :class:`~workspace.permissions.Permission`.
    - ``nav``: tabs; ``widgets``: dashboard cards; ``commentables``: commentable types.
    - ``searchables``: what the search across projects finds (:class:`Searchable`).
    - ``activity_types``: ``{object_type: (label, icon)}`` of the events it publishes
      (``"task"`` for ``task:moved``): the activity log's icons and type filter.
    - ``hooks``: ``{hook_name: callable}``; see :func:`call_hook` and :func:`render_hook`.
    - ``styles`` / ``scripts``: paths under ``static/`` included by the layout.
    - ``demo``: ``callable(ctx)`` that adds its demo content (see workspace.projects.demo).
    - ``on_load``: ``callable(app)`` run once after registration (signal receivers, CLI).
    """

    name: str
    title: str
    blueprint: Blueprint | None = None
    root_blueprint: Blueprint | None = None
    api: Blueprint | None = None
    site_api: Blueprint | None = None
    permissions: list[Permission] = field(default_factory=list)
    nav: list[NavItem] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)
    commentables: list[Commentable] = field(default_factory=list)
    searchables: list[Searchable] = field(default_factory=list)
    activity_types: dict[str, tuple[str, str]] = field(default_factory=dict)
    hooks: dict[str, Callable] = field(default_factory=dict)
    styles: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    demo: Callable | None = None
    on_load: Callable | None = None
    template_folder: Path | None = None


def _builtin(name: str) -> Plugin:
    try:
        module = importlib.import_module(f"plugins.{name}")
    except ModuleNotFoundError as exc:
        raise PluginError(f"built-in plugin {name!r} not found (WORKSPACE_PLUGINS)") from exc
    return _plugin_of(module, name)


def _plugin_of(module, origin: str) -> Plugin:
    plugin = getattr(module, "plugin", module)
    if not isinstance(plugin, Plugin):
        raise PluginError(f"{origin}: expected a Plugin object named 'plugin'")
    return plugin


def discover(app: Flask) -> list[Plugin]:
    """The built-in plugins named in configuration, then the installed external ones."""
    found = [_builtin(name) for name in app.config["WORKSPACE_PLUGINS"]]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.append(_plugin_of(ep.load(), f"entry point {ep.name!r}"))
    return found


def check(plugins: list[Plugin]) -> None:
    """Refuse name clashes and contract violations with a clear message."""
    from workspace.api.base import ApiBlueprint  # the API imports the plugins' contract

    seen: set[str] = set()
    perms: set[str] = set()
    for p in plugins:
        if not p.name.isidentifier():
            raise PluginError(f"plugin name {p.name!r} must be a Python identifier")
        if p.name in seen or p.name in RESERVED:
            raise PluginError(f"plugin name {p.name!r} is already taken")
        seen.add(p.name)
        for perm in p.permissions:
            if not perm.name.startswith(p.name + "."):
                raise PluginError(
                    f"plugin {p.name}: permission {perm.name!r} must start with '{p.name}.'"
                )
            if perm.name in perms:
                raise PluginError(f"permission {perm.name!r} declared twice")
            perms.add(perm.name)
        for api_bp, _prefix in api_blueprints(p):  # registered by workspace.api.init_api
            if not isinstance(api_bp, ApiBlueprint):
                raise PluginError(
                    f"plugin {p.name}: its API blueprint must be a workspace.api.base.ApiBlueprint"
                )
        if p.blueprint is not None and p.blueprint.name != p.name:
            raise PluginError(f"plugin {p.name}: its blueprint must be named {p.name!r}")
        folder = p.blueprint.template_folder if p.blueprint else None
        if folder:
            root = Path(p.blueprint.root_path) / folder
            stray = [f.name for f in root.iterdir() if f.name != p.name] if root.exists() else []
            if stray:
                raise PluginError(
                    f"plugin {p.name}: templates must live under templates/{p.name}/, found {stray}"
                )


RESERVED = {
    "auth",
    "account",
    "projects",
    "members",
    "admin",
    "api",
    "static",
    "core",
    "files",
    "realtime",
    "settings",
    "activity",
}


def load_plugins(app: Flask) -> list[Plugin]:
    """Discover, check and register every plugin on ``app``."""
    plugins = discover(app)
    check(plugins)
    for p in plugins:
        for perm in p.permissions:
            register(perm)
        if p.blueprint is not None:
            app.register_blueprint(p.blueprint, url_prefix=f"/projects/<int:project_id>/{p.name}")
        if p.root_blueprint is not None:
            app.register_blueprint(p.root_blueprint)
        if p.on_load:
            p.on_load(app)
    app.extensions["coopilote.plugins"] = plugins
    return plugins


def api_blueprints(p: Plugin) -> list[tuple[Blueprint, str]]:
    """The plugin's API blueprints and their URL prefixes: ``api`` under its projects
    (``/api/v1/projects/<id>/<name>``), ``site_api`` across projects (``/api/v1/<name>``)."""
    out = []
    if p.api is not None:
        out.append((p.api, f"/api/v1/projects/<int:project_id>/{p.name}"))
    if p.site_api is not None:
        out.append((p.site_api, f"/api/v1/{p.name}"))
    return out


def plugins() -> list[Plugin]:
    return current_app.extensions["coopilote.plugins"]


def get_plugin(name: str) -> Plugin | None:
    return next((p for p in plugins() if p.name == name), None)


def nav_items() -> list[NavItem]:
    return sorted((n for p in plugins() for n in p.nav), key=lambda n: n.order)


def widgets() -> list[Widget]:
    return sorted((w for p in plugins() for w in p.widgets), key=lambda w: w.order)


def commentable(type_: str) -> Commentable | None:
    return next((c for p in plugins() for c in p.commentables if c.type == type_), None)


def call_hook(name: str, **kwargs) -> list:
    """Call hook ``name`` of every plugin that has it; return the non-None results in order."""
    results = []
    for p in plugins():
        fn = p.hooks.get(name)
        if fn is not None:
            result = fn(**kwargs)
            if result is not None:
                results.append(result)
    return results


def render_hook(name: str, **kwargs) -> Markup:
    """Jinja helper: concatenate the HTML returned by each plugin's hook ``name``."""
    # Hooks return HTML rendered by the plugin's own (autoescaped) templates: trusted markup.
    return Markup("").join(Markup(r) for r in call_hook(name, **kwargs))  # noqa: S704
