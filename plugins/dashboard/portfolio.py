"""The portfolio: one row per project the person is in, with stage, traffic lights, alerts."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from workspace.extensions import db
from workspace.models import Membership, Project, Stage
from workspace.plugins import call_hook

bp = Blueprint("dashboard_portfolio", __name__, template_folder="templates")

SORTS = {
    "name": (lambda r: r["project"].name.lower(), False),
    "stage": (lambda r: Stage(r["project"].stage).index, False),
    "off_track": (lambda r: r["lights"]["counts"].get("off_track", 0) if r["lights"] else -1, True),
    "alerts": (lambda r: len(r["alerts"]), True),
    "role": (lambda r: str(r["membership"].role_label), False),
}


def portfolio_rows(user) -> list[dict]:
    pairs = db.session.execute(
        db.select(Project, Membership)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id)
    ).all()
    rows = []
    for project, membership in pairs:
        lights = next(iter(call_hook("indicator_status_counts", project=project)), None)
        alerts = [a for res in call_hook("portfolio_alerts", project=project) for a in res]
        rows.append(
            {"project": project, "membership": membership, "lights": lights, "alerts": alerts}
        )
    return rows


@bp.route("/portfolio")
@login_required
def portfolio():
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    key, reverse = SORTS[sort]
    rows = sorted(portfolio_rows(current_user), key=key, reverse=reverse)
    return render_template("dashboard/portfolio.html", rows=rows, sort=sort)


def my_projects_link(**_kw) -> str:
    """Hook ``my_projects_top``: a link to the portfolio on the "my projects" page."""
    return render_template("dashboard/_portfolio_link.html")
