"""Site administration of saved task templates: a template is offered to the members of
its source project only, until a site administrator publishes it for everyone."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from workspace.admin.views import admin_required
from workspace.extensions import db
from workspace.web.feedback import toast

from .mine import root_bp
from .models import BoardTemplate


@root_bp.route("/admin/task-templates")
@admin_required
def templates():
    rows = db.session.scalars(
        db.select(BoardTemplate)
        .options(joinedload(BoardTemplate.created_by), joinedload(BoardTemplate.source_project))
        .order_by(BoardTemplate.name, BoardTemplate.id)
    ).all()
    return render_template("board/site_templates.html", templates=rows)


@root_bp.route("/admin/task-templates/<int:template_id>/publish", methods=["POST"])
@admin_required
def publish(template_id: int):
    """Toggle: publish the template for every user, or keep it to its source project."""
    template = db.session.get(BoardTemplate, template_id) or abort(404)
    template.site_wide = not template.site_wide
    db.session.commit()
    if template.site_wide:
        toast(_("Modèle « %(name)s » proposé à tout le site.", name=template.name))
    else:
        toast(_("Modèle « %(name)s » réservé à son projet d'origine.", name=template.name))
    return redirect(url_for("board_mine.templates"))


def admin_tabs() -> str:
    return render_template("board/_admin_tab.html")
