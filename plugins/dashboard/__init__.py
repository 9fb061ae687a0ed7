"""The project dashboard (« tableau de bord »), the portfolio, funder reports and the calendar.

The dashboard assembles every plugin's ``widgets`` through the plugin contract and knows none
by name. Each card refreshes itself live: on the notices named by the widget's optional
``live`` attribute (``"task:* column:*"``), else on any notice (throttled).

Hooks used: ``report_sections(project, period)`` → ``[{"title", "html", "order"?}]``,
``calendar_items(project)`` → ``[{"date", "title", "url", "kind", "overdue"}]``,
``portfolio_facts(projects, today)`` → ``{project_id: {"alerts", "overdue", "pending",
"lights", "next_milestone"}}`` (see :mod:`.portfolio_data`).
Hook provided: ``my_projects_top`` (a link to the portfolio). The weekly portfolio point
of the advisers: :mod:`.weekly`.
"""

from flask_babel import lazy_gettext as _l

from workspace.permissions import ALL_ROLES, Permission
from workspace.plugins import NavItem, Plugin, Widget

from . import narrative, views_reports, weekly  # noqa: F401 - routes, the weekly periodic task
from . import widgets as w
from .api import site_api
from .portfolio import bp as portfolio_bp
from .portfolio import my_projects_link
from .views import bp

_stage = Widget(
    "dashboard_stage",
    _l("Étape et prochaines échéances"),
    "dashboard/_widget_stage.html",
    w.stage,
    "dashboard.view",
    order=5,
)
_reminders = Widget(
    "dashboard_reminders",
    _l("Rappels"),
    "dashboard/_widget_reminders.html",
    w.reminders,
    "dashboard.view",
    order=8,
)
_activity = Widget(
    "dashboard_activity",
    _l("Activité récente"),
    "dashboard/_widget_activity.html",
    w.activity,
    "activity.view",
    order=90,
)
_members = Widget(
    "dashboard_members",
    _l("Membres par organisation"),
    "dashboard/_widget_members.html",
    w.members,
    "members.view",
    order=95,
)
_stage.live = "project:* report:* measurement:* milestone:*"
_reminders.live = "report:* measurement:* indicator:* milestone:*"
# What they show: the project (its stage), the reports and the calendar, whose items come
# from the plugins' calendar_items hooks (their parts: w.calendar_parts); the members card,
# the memberships and the people. A task moved leaves them.
_stage.parts = _reminders.parts = w.calendar_parts
_members.parts = ()
_activity.live = "*"
_members.live = "member:* project:*"


def _on_load(app) -> None:
    app.cli.add_command(weekly.portfolio_cli)


plugin = Plugin(
    name="dashboard",
    title=_l("Tableau de bord"),
    activity_types={"report": (_l("Rapports"), "file-text")},
    blueprint=bp,
    root_blueprint=portfolio_bp,
    site_api=site_api,
    permissions=[
        Permission("dashboard.view", ALL_ROLES),
        # Generating a report writes only a file and a log line: every role may, the funder too.
        Permission("dashboard.report", ALL_ROLES),
        # The bilan's qualitative part is the coordination's text.
        Permission("dashboard.narrative", {"coordinator"}, write=True),
    ],
    nav=[
        NavItem(
            "dashboard.index",
            _l("Tableau de bord"),
            "dashboard.view",
            icon="layout-dashboard",
            order=10,
        )
    ],
    widgets=[_stage, _reminders, _activity, _members],
    hooks={"my_projects_top": my_projects_link},
    styles=["css/dashboard.css"],
    on_load=_on_load,
)
