"""Indicators: definitions, measurements entered by directors, evaluator reviews, traffic lights.

Permissions: ``indicators.view`` (every role), ``indicators.edit`` (directors: define
indicators, enter measurements, answer the evaluator's questions), ``indicators.review``
(evaluators only: accept, question or reject; override a status with a justification).

Hooks provided: ``report_sections(project, period)``, ``calendar_items(project)``,
``portfolio_facts(projects, today)``.
"""

from flask_babel import lazy_gettext as _l

from workspace.permissions import ALL_ROLES, Permission
from workspace.plugins import Commentable, NavItem, Plugin, Searchable, Widget

from . import exports, hooks, report, views_measurements  # noqa: F401 - registers the routes
from .api import api_bp
from .awaiting import awaiting
from .demo import demo
from .models import PART, Indicator, Measurement
from .views import bp

_lights = Widget(
    "indicators_lights",
    _l("Indicateurs"),
    "indicators/_widget_lights.html",
    hooks.widget_lights,
    "indicators.view",
    order=60,
    size="wide",
)
_reviews = Widget(
    "indicators_reviews",
    _l("Évaluation des mesures"),
    "indicators/_widget_reviews.html",
    hooks.widget_reviews,
    "indicators.view",
    order=62,
)
# The dashboard refreshes these cards on notices about indicators and measurements, and
# renders them again when the indicators' part of the project's revisions changes.
_lights.live = _reviews.live = "indicator:* measurement:*"
_lights.parts = _reviews.parts = (PART,)

plugin = Plugin(
    name="indicators",
    title=_l("Indicateurs"),
    activity_types={
        "indicator": (_l("Indicateurs"), "chart-line"),
        "measurement": (_l("Mesures"), "chart-line"),
    },
    blueprint=bp,
    api=api_bp,
    permissions=[
        Permission("indicators.view", ALL_ROLES),
        Permission("indicators.edit", {"director"}, write=True),
        Permission("indicators.review", {"evaluator"}, write=True),
    ],
    nav=[
        NavItem(
            "indicators.index", _l("Indicateurs"), "indicators.view", icon="chart-line", order=60
        )
    ],
    widgets=[_lights, _reviews],
    commentables=[
        Commentable(
            "indicator",
            hooks.resolve_indicator,
            lambda i: i.name,
            hooks.indicator_url,
            "indicators.view",
            model=Indicator,
        ),
        Commentable(
            "measurement",
            hooks.resolve_measurement,
            hooks.measurement_label,
            hooks.measurement_url,
            "indicators.view",
            model=Measurement,
        ),
    ],
    searchables=[
        Searchable(
            _l("Indicateur"),
            Indicator,
            (Indicator.name, Indicator.definition),
            label=lambda i: i.name,
            url=hooks.indicator_url,
            permission="indicators.view",
            icon="chart-line",
        )
    ],
    hooks={
        "awaiting": awaiting,
        "report_sections": report.report_sections,
        "calendar_items": hooks.calendar_items,
        "calendar_parts": lambda: (PART,),  # what its calendar items come from
        "portfolio_facts": hooks.portfolio_facts,
    },
    styles=["css/indicators.css"],
    demo=demo,
)
