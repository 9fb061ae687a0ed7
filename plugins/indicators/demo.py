"""Demo indicators (DEMO.md): 2025 baselines, 2027 targets, quarterly measurements, reviews."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from . import operations
from .library import suggestion
from .values import parse_period

BASELINE, TARGET = date(2025, 12, 31), date(2027, 6, 30)

# key, baseline, target, breakdown, responsible, measurements [(period, value, {org: value})]
PLAN = [
    (
        "cost_per_hour",
        D("24.80"),
        D("23.20"),
        True,
        "luberon",
        [
            (
                "2026-T1",
                D("24.70"),
                {"luberon": D("24.10"), "comtat": D("26.20"), "cavaillon": D("24.30")},
            ),
            (
                "2026-T2",
                D("24.30"),
                {"luberon": D("23.80"), "comtat": D("25.60"), "cavaillon": D("23.90")},
            ),
            (
                "2026-T3",
                D("24.05"),
                {"luberon": D("23.60"), "comtat": D("25.20"), "cavaillon": D("23.70")},
            ),
        ],
    ),
    (
        "weekend_continuity",
        D("88"),
        D("97"),
        True,
        "comtat",
        [
            ("2026-T1", D("89.5"), {"luberon": D("91"), "comtat": D("90"), "cavaillon": D("86")}),
            ("2026-T2", D("92"), {"luberon": D("93"), "comtat": D("92.5"), "cavaillon": D("89")}),
            ("2026-T3", D("90.5"), {"luberon": D("93.5"), "comtat": D("91"), "cavaillon": D("85")}),
        ],
    ),
    (
        "response_time",
        D("9"),
        D("4"),
        False,
        "cavaillon",
        [
            ("2026-T1", D("8.5"), {}),
            ("2026-T2", D("8"), {}),
            ("2026-T3", D("6.6"), {}),
        ],
    ),
    (
        "staff_turnover",
        D("22"),
        D("15"),
        False,
        "luberon",
        [
            ("2026-T1", D("21.5"), {}),
            ("2026-T2", D("23"), {}),
        ],
    ),
    ("training_hours", D("14"), D("21"), False, "comtat", []),
]

QUESTION = (
    "Le taux baisse au 3e trimestre, surtout à Cavaillon (85 %). Pouvez-vous préciser la cause "
    "(congés d'été, astreinte pas encore mutualisée ?) et joindre le planning d'août ?"
)


def _suggested(project, actor, key: str, **fields):
    """An indicator of the library (name, definition, kind… in French) with ``fields``."""
    s = suggestion(key, "fr")
    keep = ("name", "definition", "area", "kind", "unit", "direction", "source")
    return operations.create_indicator(project, actor, **{k: s[k] for k in keep}, **fields)


def demo(ctx) -> None:
    if ctx.story != "main":
        return _story_demo(ctx)
    claire, nadia = ctx.people["claire"], ctx.people["nadia"]
    entering = [ctx.people["karim"], ctx.people["sophie"], claire]
    for n, (key, base, target, breakdown, resp, measures) in enumerate(PLAN):
        frequency = "yearly" if key == "training_hours" else "quarterly"
        ind = _suggested(
            ctx.project,
            claire,
            key,
            baseline_value=base,
            baseline_date=BASELINE,
            target_value=target,
            target_date=TARGET,
            frequency=frequency,
            responsible_org_id=ctx.orgs[resp].id,
            breakdown=breakdown,
            position=n,
        )
        operations.review(ind, nadia, "accepted", "Définition et source claires.")
        for i, (period, value, by_org) in enumerate(measures):
            label, end = parse_period(frequency, period)
            m = operations.add_measurement(
                ind,
                entering[(n + i) % 3],
                period=label,
                period_end=end,
                value=value,
                values={ctx.orgs[k].id: v for k, v in by_org.items()},
                comment="Chiffres issus du logiciel de planification." if breakdown else "",
            )
            if key == "weekend_continuity" and period == "2026-T3":
                operations.review(ind, nadia, "questioned", QUESTION, m)
            elif key == "cost_per_hour" and period == "2026-T3":
                continue  # awaiting the evaluator
            else:
                operations.review(ind, nadia, "accepted", "", m)


def _story_demo(ctx) -> None:
    """The merged associations: one indicator off track after a year, reviewed by Nadia."""
    if ctx.story != "durance":
        return
    director, nadia = ctx.directors[0], ctx.people["nadia"]
    ind = _suggested(
        ctx.project,
        director,
        "staff_turnover",
        baseline_value=D("18"),
        baseline_date=date(2025, 3, 31),
        target_value=D("12"),
        target_date=date(2026, 12, 31),
        frequency="quarterly",
    )
    operations.review(ind, nadia, "accepted", "Définition reprise du plan de fusion.")
    for period, value in (("2025-T4", "17"), ("2026-T1", "19"), ("2026-T2", "21")):
        label, end = parse_period("quarterly", period)
        m = operations.add_measurement(ind, director, period=label, period_end=end, value=D(value))
        operations.review(ind, nadia, "accepted", "", m)
