"""The portfolio: every project the person is in, with its stage, next milestone, what is
late, what waits for validation, its indicators, alerts and last activity; filters, sort
and a CSV export of the same rows (issue 17)."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, get_template_attribute, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from workspace.cache import fragments
from workspace.models import CooperationForm, Role, Stage
from workspace.web.formats import spreadsheet_text as _cell

from .portfolio_data import PortfolioFilters, PortfolioRow, portfolio_rows

bp = Blueprint("dashboard_portfolio", __name__, template_folder="templates")
# Between two rows rendered at once (a comment: the rows' text is escaped, it cannot be one).
ROW_MARK = Markup("<!--portfolio-row-->")


@bp.route("/portfolio")
@login_required
def portfolio():
    filters = PortfolioFilters.from_args(request.args)
    today = date.today()
    rows = portfolio_rows(current_user, filters, today)
    return render_template(
        "dashboard/portfolio.html",
        rows=rows,
        row_html=rows_html(rows, today),
        attention=sum(bool(r.alerts) for r in rows),
        filters=filters,
        sort=filters.sort,
        stages=list(Stage),
        roles=list(Role),
    )


def rows_html(rows: list[PortfolioRow], today: date) -> dict[int, Markup]:
    """Each row's HTML, kept per project (and the viewer's role in it, the day, the
    language) while its data is unchanged: a change renders the row of its project alone."""
    macro = get_template_attribute("dashboard/_portfolio_rows.html", "rows")
    labels = _labels()
    by_role: dict[str, dict[int, PortfolioRow]] = {}
    for r in rows:
        by_role.setdefault(r.role, {})[r.project.id] = r

    html = {}
    for role, group in sorted(by_role.items()):

        def render(ids: list[int], group=group) -> dict[int, str]:
            parts = str(macro([group[pid] for pid in ids], labels, ROW_MARK)).split(ROW_MARK)
            return dict(zip(ids, parts, strict=True))

        for pid, part in fragments.reused("portfolio-row", group, (today, role), render).items():
            html[pid] = fragments.with_token(part)  # the macro's autoescaped output
    return html


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
    labels = _labels()
    yes, no = _("oui"), _("non")
    for r in rows:
        p, nxt = r.project, r.next_milestone or {}
        writer.writerow(
            [
                _cell(p.name),
                labels[p.form],
                _cell(p.territory or ""),
                labels[r.role],
                labels[p.stage],
                _cell(nxt.get("title", "")),
                nxt["date"].strftime("%d/%m/%Y") if nxt.get("date") else "",
                r.overdue,
                r.pending,
                r.off_track,
                " ; ".join(str(a["text"]) for a in r.alerts),
                r.last_day.strftime("%d/%m/%Y") if r.last_activity else "",
                yes if p.archived else no,
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


def _labels() -> dict[str, str]:
    """Each stage, role and form label translated once, not once per row (200 rows × 3)."""
    return {e.value: str(e.label) for enum in (Stage, Role, CooperationForm) for e in enum}


def my_projects_link(**_kw) -> str:
    """Hook ``my_projects_top``: a link to the portfolio on the "my projects" page."""
    return render_template("dashboard/_portfolio_link.html")
