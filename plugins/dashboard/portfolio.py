"""The portfolio: every project the person is in, with its stage, next milestone, what is
late, what waits for validation, its indicators, alerts and last activity; filters, sort
and a CSV export of the same rows (issue 17)."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workspace.models import Role, Stage
from workspace.web.formats import date_time
from workspace.web.formats import spreadsheet_text as _cell

from .portfolio_data import PortfolioFilters, portfolio_rows

bp = Blueprint("dashboard_portfolio", __name__, template_folder="templates")


@bp.route("/portfolio")
@login_required
def portfolio():
    filters = PortfolioFilters.from_args(request.args)
    rows = portfolio_rows(current_user, filters, date.today())
    return render_template(
        "dashboard/portfolio.html",
        rows=rows,
        filters=filters,
        sort=filters.sort,
        stages=list(Stage),
        roles=list(Role),
    )


@bp.route("/portfolio.csv")
@login_required
def portfolio_csv():
    """The rows on screen (same filters, same order) for a spreadsheet: UTF-8 with BOM, ``;``."""
    filters = PortfolioFilters.from_args(request.args)
    today = date.today()
    rows = portfolio_rows(current_user, filters, today)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Projet"),
            _("Forme"),
            _("Territoire"),
            _("Mon rôle"),
            _("Étape"),
            _("Prochain jalon"),
            _("Date du prochain jalon"),
            _("En retard"),
            _("Validations en attente"),
            _("Indicateurs hors trajectoire"),
            _("Alertes"),
            _("Dernière activité"),
            _("Archivé"),
        ]
    )
    for r in rows:
        p, nxt = r.project, r.next_milestone or {}
        writer.writerow(
            [
                _cell(p.name),
                str(p.form_label),
                _cell(p.territory or ""),
                str(r.membership.role_label),
                str(p.stage_enum.label),
                _cell(nxt.get("title", "")),
                nxt["date"].strftime("%d/%m/%Y") if nxt.get("date") else "",
                r.overdue,
                r.pending,
                r.off_track,
                " ; ".join(str(a["text"]) for a in r.alerts),
                date_time(r.last_activity) if r.last_activity else "",
                _("oui") if p.archived else _("non"),
            ]
        )
    name = f"portefeuille-{today.isoformat()}.csv"
    return Response(
        out.getvalue(),
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


def my_projects_link(**_kw) -> str:
    """Hook ``my_projects_top``: a link to the portfolio on the "my projects" page."""
    return render_template("dashboard/_portfolio_link.html")
