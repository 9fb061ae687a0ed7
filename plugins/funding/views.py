"""Funding pages: the lines and their summary, a line with documents and expenses."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workspace.cache import fragments
from workspace.extensions import db
from workspace.forms.conflicts import check_version
from workspace.forms.submissions import once_per_submission
from workspace.permissions import can, requires
from workspace.web.feedback import toast
from workspace.web.uploads import UploadError

from . import operations as ops
from . import rules
from .application_queries import calls_to_apply, project_applications
from .forms import CriteriaForm, ExpenseForm, LineForm
from .models import FundingDocument, FundingExpense, FundingLine
from .summary import summary

bp = Blueprint("funding", __name__, template_folder="templates")


def _line(project_id: int, line_id: int) -> FundingLine:
    line = db.session.get(FundingLine, line_id)
    if line is None or line.project_id != project_id:
        abort(404)
    return line


def _lines(project_id: int) -> list[FundingLine]:
    return list(
        db.session.scalars(
            db.select(FundingLine).filter_by(project_id=project_id).order_by(FundingLine.id)
        )
    )


def _lines_context(project) -> dict:
    lines = _lines(project.id)
    return {
        "project": project,
        "lines": lines,
        "summary": summary(lines),
    }


def _lines_html(project):
    """The lines and their summary, reused while the project's data is unchanged (the calls
    below them are the funders' data: rendered on every view)."""
    return fragments.page_body(
        "funding",
        project,
        lambda: render_template("funding/_lines.html", **_lines_context(project)),
    )


def _criteria_html(project):
    """The selection criteria and the aid's rules with the parties' agreement, reused the same
    way."""
    return fragments.page_body(
        "funding-criteria",
        project,
        lambda: render_template(
            "funding/_criteria.html",
            project=project,
            criteria=ops.criteria_of(project),
            agreement=rules.agreement_recorded(project),
        ),
    )


@bp.route("/")
@requires("funding.view")
def index(project_id: int):
    project = g.project
    may_apply = can(current_user, project, "funding.apply")
    return render_template(
        "funding/index.html",
        lines_html=_lines_html(project),
        criteria_html=_criteria_html(project),
        applications=project_applications(project.id),
        calls_to_apply=calls_to_apply(project, _lines(project.id)) if may_apply else [],
    )


@bp.route("/list")
@requires("funding.view")
def list_fragment(project_id: int):
    return _lines_html(g.project)


def _apply_rule_errors(form, exc: ops.RuleBroken) -> None:
    for name, message in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


@bp.route("/lines/new", methods=["GET", "POST"])
@requires("funding.edit")
@once_per_submission("funding.index")
def create(project_id: int):
    form = LineForm()
    form.offer(g.project, _lines(project_id))
    if form.validate_on_submit():
        try:
            line = ops.create_line(g.project, current_user, **form.values())
        except ops.RuleBroken as exc:
            db.session.rollback()
            _apply_rule_errors(form, exc)
        else:
            db.session.commit()
            toast(_("Ligne de financement ajoutée."))
            return redirect(url_for(".line", project_id=project_id, line_id=line.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("funding/line_form.html", form=form, line=None), status


@bp.route("/lines/<int:line_id>/edit", methods=["GET", "POST"])
@requires("funding.edit")
def edit(project_id: int, line_id: int):
    line = _line(project_id, line_id)
    # On POST only what was submitted counts (the stored Decimals are not typed text).
    form = LineForm(obj=line) if request.method == "GET" else LineForm()
    form.offer(g.project, [other for other in _lines(project_id) if other.id != line.id])
    if form.validate_on_submit():
        check_version(
            line,
            request.form.get("version"),
            {_("Statut"): line.status_enum.label, _("Montant demandé"): line.amount_requested},
            form=form,
        )
        try:
            ops.update_line(line, current_user, **form.values())
        except ops.RuleBroken as exc:
            db.session.rollback()
            line = _line(project_id, line_id)
            _apply_rule_errors(form, exc)
        else:
            db.session.commit()
            toast(_("Ligne de financement enregistrée."))
            return redirect(url_for(".line", project_id=project_id, line_id=line.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("funding/line_form.html", form=form, line=line), status


@bp.route("/lines/<int:line_id>/delete", methods=["POST"])
@requires("funding.edit")
def delete(project_id: int, line_id: int):
    line = _line(project_id, line_id)
    try:
        ops.delete_line(line, current_user)
    except ops.RuleBroken as exc:
        abort(409, str(exc))
    db.session.commit()
    toast(_("Ligne de financement supprimée."))
    return redirect(url_for(".index", project_id=project_id))


@bp.route("/lines/<int:line_id>")
@requires("funding.view")
def line(project_id: int, line_id: int):
    return _line_page(_line(project_id, line_id))


def _line_page(line, status: int = 200, expense_form=None, upload_error=None):
    return render_template(
        "funding/line.html",
        project=g.project,
        line=line,
        expense_form=expense_form or ExpenseForm(formdata=None),
        upload_error=upload_error,
    ), status


@bp.route("/lines/<int:line_id>/documents", methods=["POST"])
@requires("funding.edit")
def add_document(project_id: int, line_id: int):
    line = _line(project_id, line_id)
    try:
        ops.add_document(line, current_user, request.files.get("file"))
    except UploadError as exc:
        db.session.rollback()
        return _line_page(_line(project_id, line_id), 400, upload_error=str(exc))
    db.session.commit()
    toast(_("Document joint."))
    return redirect(url_for(".line", project_id=project_id, line_id=line_id))


@bp.route("/lines/<int:line_id>/documents/<int:doc_id>/delete", methods=["POST"])
@requires("funding.edit")
def remove_document(project_id: int, line_id: int, doc_id: int):
    line = _line(project_id, line_id)
    doc = db.session.get(FundingDocument, doc_id)
    if doc is None or doc.line_id != line.id:
        abort(404)
    ops.remove_document(line, current_user, doc)
    db.session.commit()
    toast(_("Document retiré."))
    return redirect(url_for(".line", project_id=project_id, line_id=line_id))


@bp.route("/lines/<int:line_id>/expenses", methods=["POST"])
@requires("funding.edit")
@once_per_submission("funding.line")
def add_expense(project_id: int, line_id: int):
    line = _line(project_id, line_id)
    form = ExpenseForm()
    if not form.validate_on_submit():
        return _line_page(line, 400, expense_form=form)
    upload = request.files.get("file")
    try:
        ops.add_expense(
            line,
            current_user,
            spent_on=form.spent_on.data,
            supplier=form.supplier.data,
            description=form.description.data or "",
            amount=form.amount.data,
            file_storage=upload if upload and upload.filename else None,
        )
    except (UploadError, ops.RuleBroken) as exc:
        db.session.rollback()
        line = _line(project_id, line_id)
        if isinstance(exc, UploadError):
            return _line_page(line, 400, expense_form=form, upload_error=str(exc))
        form.amount.errors = [*form.amount.errors, *exc.errors.values()]
        return _line_page(line, 400, expense_form=form)
    db.session.commit()
    toast(_("Dépense enregistrée."))
    return redirect(url_for(".line", project_id=project_id, line_id=line_id))


@bp.route("/lines/<int:line_id>/expenses/<int:expense_id>/delete", methods=["POST"])
@requires("funding.edit")
def delete_expense(project_id: int, line_id: int, expense_id: int):
    line = _line(project_id, line_id)
    expense = db.session.get(FundingExpense, expense_id)
    if expense is None or expense.line_id != line.id:
        abort(404)
    ops.delete_expense(line, current_user, expense)
    db.session.commit()
    toast(_("Dépense supprimée."))
    return redirect(url_for(".line", project_id=project_id, line_id=line_id))


@bp.route("/criteria", methods=["GET", "POST"])
@requires("funding.criteria")
def criteria(project_id: int):
    row = ops.criteria_of(g.project)
    form = CriteriaForm(obj=row)
    if form.validate_on_submit():
        if row is not None:
            check_version(
                row, request.form.get("version"), {_("Critères"): row.complexity}, form=form
            )
        ops.save_criteria(
            g.project,
            current_user,
            complexity=form.complexity.data,
            economies=form.economies.data,
            service=form.service.data,
        )
        db.session.commit()
        toast(_("Critères de sélection enregistrés."))
        return redirect(url_for(".index", project_id=project_id) + "#criteria")
    status = 400 if form.errors else 200
    return render_template("funding/criteria_form.html", form=form, row=row), status
