"""Core project pages: my projects, create, overview, settings, activity."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.orm import defer, lazyload

from workspace import operations
from workspace.cache import fragments
from workspace.extensions import db, htmx
from workspace.members.forms import ArchiveForm
from workspace.models import Activity, Invitation, Membership, Organisation, Project, utcnow
from workspace.permissions import can, requires
from workspace.plugins import plugins
from workspace.projects.awaiting import awaiting_for
from workspace.projects.forms import ProjectForm
from workspace.projects.home import project_cards
from workspace.web.feedback import toast

bp = Blueprint("projects", __name__)

ACTIVITY_PAGE = 50

#: The core's own event types; each plugin declares its own (``Plugin.activity_types``). A type
#: nobody declares (an external plugin's, say) is shown as it is.
ACTIVITY_TYPES = {
    "project": (_l("Projet"), "folder-kanban"),
    "member": (_l("Membres"), "users"),
    "invitation": (_l("Invitations"), "users"),
    "file": (_l("Documents"), "paperclip"),
}


def activity_type(object_type: str) -> tuple:
    """``(label, icon)`` of an activity's type, for the log and its filter."""
    if object_type in ACTIVITY_TYPES:
        return ACTIVITY_TYPES[object_type]
    for plugin in plugins():
        if object_type in plugin.activity_types:
            return plugin.activity_types[object_type]
    return object_type, "activity"


#: The kinds of entries of a project's log, for its filter: one index seek per kind (on
#: ``ix_activity_project_type``), not a pass over every entry (a DISTINCT read 10,000 rows).
KINDS = text(
    """
    WITH RECURSIVE kinds(kind) AS (
        SELECT MIN(object_type) FROM activity WHERE project_id = :project
        UNION ALL
        SELECT (SELECT MIN(a.object_type) FROM activity a
                WHERE a.project_id = :project AND a.object_type > kinds.kind)
        FROM kinds WHERE kinds.kind IS NOT NULL
    )
    SELECT kind FROM kinds WHERE kind IS NOT NULL
    """
)


def _partner_choices(form: ProjectForm) -> None:
    orgs = db.session.scalars(db.select(Organisation).order_by(Organisation.name))
    form.partners.choices = [(o.id, o.name) for o in orgs]


@bp.route("/")
@login_required
def index():
    rows = db.session.execute(
        db.select(Project, Membership)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == current_user.id)
        .order_by(Project.archived, Project.name)
        .options(
            lazyload(Membership.user),  # the viewer: not 50 joined copies of them
            defer(Project.summary),
        )
    ).all()
    awaiting = awaiting_for(current_user, rows)
    open_projects = [project for project, _m in rows if not project.archived]
    return render_template(
        "projects/index.html",
        rows=rows,
        cards=project_cards(rows),
        awaiting=awaiting,
        open_projects=open_projects,
    )


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def create():
    if not can(current_user, None, "projects.create"):
        abort(
            403,
            _(
                "Votre compte ne permet pas de créer un projet : demandez une invitation à la "
                "structure qui coordonne le projet, ou ce droit à l'administrateur du site."
            ),
        )
    form = ProjectForm()
    _partner_choices(form)
    if form.validate_on_submit():
        partners = db.session.scalars(
            db.select(Organisation).where(Organisation.id.in_(form.partners.data or []))
        ).all()
        project = operations.create_project(
            current_user,
            name=form.name.data.strip(),
            form=form.form.data,
            stage=form.stage.data,
            partners=list(partners),
            summary=form.summary.data or "",
            territory=form.territory.data or "",
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            options=dict(request.form),
        )
        db.session.commit()
        return redirect(url_for("projects.overview", project_id=project.id))
    status = 400 if form.errors else 200
    return render_template("projects/form.html", form=form, project=None), status


@bp.route("/projects/<int:project_id>/")
@requires("project.view")
def overview(project_id: int):
    project = g.project
    pending = db.session.scalar(
        db.select(db.func.count(Invitation.id)).where(
            Invitation.project_id == project.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked.is_(False),
            Invitation.expires_at > utcnow(),
        )
    )
    # The project and its members, reused while its data is unchanged (the count of pending
    # invitations, which expire with time, is part of the key); plugins' cards stay live.
    body = fragments.page_body(
        "overview", project, lambda: _overview_body(project, pending), pending
    )
    return render_template("projects/overview.html", project=project, body=body)


def _overview_body(project, pending: int) -> str:
    by_org: dict = {}
    for m in sorted(project.memberships, key=lambda m: (m.user.organisation.name, m.user.name)):
        by_org.setdefault(m.user.organisation, []).append(m)
    return render_template(
        "projects/_overview_body.html", project=project, by_org=by_org, pending_invitations=pending
    )


@bp.route("/projects/<int:project_id>/settings", methods=["GET", "POST"])
@requires("project.edit")
def settings(project_id: int):
    project = g.project
    if project.archived:
        if request.method == "POST":
            abort(403, _("Le projet est archivé : rouvrez-le pour le modifier."))
        return render_template("projects/archived_settings.html", project=project)
    form = ProjectForm(obj=project)
    _partner_choices(form)
    if request.method == "GET":
        form.partners.data = [o.id for o in project.partners]
    if form.validate_on_submit():
        from workspace.forms.conflicts import check_version

        check_version(
            project,
            request.form.get("version"),
            {_("Nom du projet"): project.name, _("Résumé"): project.summary},
            form=form,
        )
        partners = db.session.scalars(
            db.select(Organisation).where(Organisation.id.in_(form.partners.data or []))
        ).all()
        operations.update_project(
            project,
            current_user,
            name=form.name.data.strip(),
            form=form.form.data,
            stage=form.stage.data,
            summary=form.summary.data or "",
            territory=form.territory.data or "",
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            partners=list(partners),
        )
        db.session.commit()
        return redirect(url_for("projects.overview", project_id=project.id))
    status = 400 if form.errors else 200
    return _settings_page(form, ArchiveForm(prefix="archive"), status)


def _settings_page(form, archive_form, status=200):
    page = render_template(
        "projects/form.html", form=form, project=g.project, archive_form=archive_form
    )
    return page, status


@bp.route("/projects/<int:project_id>/archive", methods=["POST"])
@requires("project.edit")
def archive(project_id: int):
    """Close the project ("Clôturer le projet"): read-only afterwards, restorable."""
    project = g.project
    if project.archived:
        abort(409, _("Le projet est déjà clôturé."))
    archive_form = ArchiveForm(prefix="archive")
    if not archive_form.validate_on_submit():
        form = ProjectForm(obj=project)
        _partner_choices(form)
        form.partners.data = [o.id for o in project.partners]
        return _settings_page(form, archive_form, 400)
    created = archive_form.groupement_created.data == "yes"
    operations.archive_project(project, current_user, created)
    db.session.commit()
    toast(_("Projet clôturé : il est désormais en lecture seule."))
    return redirect(url_for("projects.overview", project_id=project.id))


@bp.route("/projects/<int:project_id>/restore", methods=["POST"])
@requires("project.edit")
def restore(project_id: int):
    project = g.project
    if not project.archived:
        abort(409, _("Le projet n'est pas clôturé."))
    operations.restore_project(project, current_user)
    db.session.commit()
    toast(_("Projet rouvert."))
    return redirect(url_for("projects.settings", project_id=project.id))


@bp.route("/projects/<int:project_id>/files/<int:file_id>")
@requires("files.download")
def download_file(project_id: int, file_id: int):
    """Any uploaded document of the project, to its members only (others get 404)."""
    from workspace.models import StoredFile
    from workspace.web.uploads import send_stored

    stored = db.session.get(StoredFile, file_id)
    if stored is None or stored.project_id != project_id:
        abort(404)
    return send_stored(stored)


@bp.route("/projects/<int:project_id>/activity")
@requires("activity.view")
def activity(project_id: int):
    """The project's activity log, a page of entries at a time, filtered by kind. The list is
    reused while the project's data is unchanged (an entry is written with every change)."""
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    kind = request.args.get("type", "")[:40]
    project = g.project
    listing = fragments.page_body(
        "activity", project, lambda: _activity_list(project, page, kind), page, kind
    )
    if htmx:
        return listing
    types = db.session.scalars(KINDS, {"project": project_id}).all()
    choices = sorted(((t, str(activity_type(t)[0])) for t in types), key=lambda c: c[1])
    return render_template(
        "projects/activity.html",
        project=project,
        listing=listing,
        page=page,
        types=choices,
        kind=kind,
    )


def _activity_list(project, page: int, kind: str) -> str:
    query = db.select(Activity).filter_by(project_id=project.id)
    if kind:
        query = query.where(Activity.object_type == kind)
    entries = db.paginate(
        query.order_by(Activity.id.desc()), page=page, per_page=ACTIVITY_PAGE, error_out=False
    )
    return render_template(
        "projects/_activity_list.html",
        project=project,
        entries=entries,
        kind=kind,
        activity_type=activity_type,
    )
