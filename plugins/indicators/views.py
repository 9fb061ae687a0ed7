"""Indicator pages: list, library, create, detail, edit, delete."""

from __future__ import annotations

import json

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from workspace.cache import fragments
from workspace.extensions import db
from workspace.forms.conflicts import check_version
from workspace.forms.submissions import once_per_submission
from workspace.models import Area, Organisation
from workspace.permissions import requires
from workspace.plugins import call_hook
from workspace.web.feedback import toast

from . import charts, library, operations, queries
from . import status as st
from .forms import REVIEW_CHOICES, IndicatorForm, MeasurementForm, OverrideForm
from .models import Decision, Direction, Frequency, Indicator, Kind, MeasurementRevision
from .sparkline import spark
from .values import format_value, period_example, period_label

bp = Blueprint("indicators", __name__, template_folder="templates")


def get_indicator(project_id: int, indicator_id: int) -> Indicator:
    ind = db.session.get(Indicator, indicator_id)
    if ind is None or ind.project_id != project_id:
        abort(404)
    return ind


@bp.route("/")
@requires("indicators.view")
def index(project_id: int):
    """The list; its body (status counts, filter, table with sparklines) is reused while the
    project's data is unchanged (workspace/cache/fragments.py), keyed by the domain filter,
    the viewer's roles (the empty state's link) and the day (a target date passes)."""
    area = request.args.get("area", "")
    area = area if area in {a.value for a in Area} else ""
    body = fragments.page_body(
        "indicators", g.project, lambda: _render_index_body(project_id, area), area
    )
    return render_template("indicators/index.html", body=body, st=st)


def _render_index_body(project_id: int, area: str) -> str:
    rows = queries.rows(project_id)
    return render_template(
        "indicators/_index_body.html",
        rows=[r for r in rows if not area or r.indicator.area == area],
        counts=queries.counts(rows),
        area=area,
        st=st,
        fmt=format_value,
        plabel=period_label,
        spark=spark,
    )


@bp.route("/library")
@requires("indicators.edit")
def library_page(project_id: int):
    taken = {i.name for i in queries.indicators_of(project_id)}
    return render_template(
        "indicators/library.html", suggestions=library.suggestions(), taken=taken
    )


def _org_choices(form: IndicatorForm) -> None:
    orgs = g.project.partners
    form.responsible_org.choices = [(0, _("— Aucune —"))] + [(o.id, o.name) for o in orgs]


def _fields(form: IndicatorForm) -> dict:
    org_id = form.responsible_org.data or None
    return {
        "name": form.name.data.strip(),
        "definition": form.definition.data or "",
        "area": form.area.data,
        "kind": form.kind.data,
        "unit": (form.unit.data or "").strip(),
        "direction": form.direction.data,
        "baseline_value": form.parsed["baseline_value"],
        "baseline_date": form.baseline_date.data,
        "target_value": form.parsed["target_value"],
        "target_max": form.parsed.get("target_max"),
        "target_date": form.target_date.data,
        "frequency": form.frequency.data,
        "source": form.source.data or "",
        "responsible_org_id": org_id,
        "breakdown": bool(form.breakdown.data),
    }


@bp.route("/new", methods=["GET", "POST"])
@requires("indicators.edit")
@once_per_submission("indicators.index")
def create(project_id: int):
    form = IndicatorForm()
    _org_choices(form)
    if request.method == "GET" and request.args.get("from"):
        s = library.suggestion(request.args["from"][:40])
        if s:
            for key in (
                "name",
                "definition",
                "area",
                "kind",
                "unit",
                "direction",
                "frequency",
                "source",
            ):
                getattr(form, key).data = s[key]
    if form.validate_on_submit():
        fields = _fields(form)
        ind = operations.create_indicator(
            g.project, current_user, targets=form.parsed.get("steps", []), **fields
        )
        db.session.commit()
        toast(_("Indicateur créé."))
        return redirect(url_for(".detail", project_id=project_id, indicator_id=ind.id))
    status = 400 if form.errors else 200
    return render_template("indicators/form.html", form=form, indicator=None), status


@bp.route("/<int:indicator_id>/edit", methods=["GET", "POST"])
@requires("indicators.edit")
def edit(project_id: int, indicator_id: int):
    ind = get_indicator(project_id, indicator_id)
    # On POST only what was submitted counts: an empty POST must not validate the stored values
    # (Decimals) as if they were typed text.
    form = IndicatorForm(obj=ind) if request.method == "GET" else IndicatorForm()
    _org_choices(form)
    if request.method == "GET":
        form.baseline_value.data = _plain(ind.baseline_value, ind.kind)
        form.target_value.data = _plain(ind.target_value, ind.kind)
        form.target_max.data = _plain(ind.target_max, ind.kind) if ind.target_max else ""
        form.responsible_org.data = ind.responsible_org_id or 0
        form.steps.data = "\n".join(
            f"{t.target_date.isoformat()} ; {_plain(t.value, ind.kind)}" for t in ind.targets
        )
    if form.validate_on_submit():
        check_version(ind, request.form.get("version"), {_("Nom"): ind.name}, form=form)
        operations.update_indicator(
            ind, current_user, targets=form.parsed.get("steps", []), **_fields(form)
        )
        db.session.commit()
        toast(_("Indicateur enregistré."))
        return redirect(url_for(".detail", project_id=project_id, indicator_id=ind.id))
    status = 400 if form.errors else 200
    return render_template("indicators/form.html", form=form, indicator=ind), status


def _plain(value, kind: str) -> str:
    """A stored value as it can be typed back into a form (French decimal comma)."""
    if value is None:
        return ""
    if kind == Kind.YESNO:
        return _("oui") if value else _("non")
    text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@bp.route("/<int:indicator_id>/delete", methods=["POST"])
@requires("indicators.edit")
def delete(project_id: int, indicator_id: int):
    ind = get_indicator(project_id, indicator_id)
    operations.delete_indicator(ind, current_user)
    db.session.commit()
    toast(_("Indicateur supprimé."))
    return redirect(url_for(".index", project_id=project_id))


@bp.route("/<int:indicator_id>")
@requires("indicators.view")
def detail(project_id: int, indicator_id: int):
    return render_detail(get_indicator(project_id, indicator_id))


def render_detail(ind: Indicator, ctx: dict | None = None):
    """The detail page. Its body (definition, chart, measurements with their reviews and
    forms) is reused while the project's data is unchanged, keyed by the viewer's roles —
    unless ``ctx`` (``detail_context``) carries a refused form to show again. The indicator's
    own discussion stays outside: it shows the viewer's own comments."""
    if ctx is None:
        body = fragments.page_body(
            "indicator",
            g.project,
            lambda: render_template("indicators/_detail_body.html", **detail_context(ind)),
            ind.id,
        )
    else:
        body = Markup(render_template("indicators/_detail_body.html", **ctx))  # noqa: S704
    has_chart = "<canvas data-chart" in body  # the chart's scripts, only when there is one
    return render_template("indicators/detail.html", indicator=ind, body=body, has_chart=has_chart)


def detail_context(ind: Indicator, form=None, errors=None, typed=None) -> dict:
    """Everything the detail page and its fragments need; ``errors`` / ``typed`` map a form
    key (``m<id>`` review of a measurement, ``ind`` review of the indicator, ``a<id>`` answer)
    to its messages / the text typed, to re-render a refused form."""
    measurements = queries.measurements_of(ind)
    per, own = queries.reviews_by_measurement(ind)
    revisions: dict[int, list] = {}
    for rev in db.session.scalars(
        db.select(MeasurementRevision)
        .where(MeasurementRevision.measurement_id.in_([m.id for m in measurements]))
        .order_by(MeasurementRevision.id)
    ):
        revisions.setdefault(rev.measurement_id, []).append(rev)
    accepted = [m for m in measurements if m.review_status == "accepted"]
    status = st.status_of(ind, accepted[-1] if accepted else None)
    orgs = _orgs(ind, measurements)
    return {
        "indicator": ind,
        "measurements": measurements,
        "reviews": per,
        "indicator_reviews": own,
        "revisions": revisions,
        "status": status,
        "st": st,
        "fmt": format_value,
        "chart": json.dumps(charts.chart_data(ind, measurements, orgs)),
        "table": charts.table_rows(ind, measurements, orgs),
        "orgs": orgs,
        "form": form or MeasurementForm(),
        "example": period_example(ind.frequency),
        "override_form": OverrideForm(status=ind.status_override or ""),
        "comment_counts": _comment_counts(),
        "review_choices": REVIEW_CHOICES,
        "decision_labels": {d.value: d.label for d in Decision},
        "form_errors": errors or {},
        "typed": typed or {},
        "plabel": period_label,
        "labels": {
            "kind": Kind(ind.kind).label,
            "direction": Direction(ind.direction).label,
            "frequency": Frequency(ind.frequency).label,
        },
    }


def _comment_counts() -> dict:
    """``{measurement id: comments}`` from the comments plugin, when it is there (one query)."""
    counts: dict = {}
    for result in call_hook("comment_counts", project=g.project, object_type="measurement"):
        counts.update(result)
    return counts


def _orgs(ind: Indicator, measurements) -> list[Organisation]:
    """The organisations shown in the breakdown: the partners, plus any with a value."""
    if not ind.breakdown:
        return []
    seen = {o.id: o for o in g.project.partners}
    for m in measurements:
        for v in m.values:
            seen.setdefault(v.organisation_id, v.organisation)
    return sorted(seen.values(), key=lambda o: o.name)
