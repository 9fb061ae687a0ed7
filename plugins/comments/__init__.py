"""The comments plugin: threads on anything commentable, live, with mentions.

Other plugins declare ``Commentable`` types; this plugin imports none of them. It provides
the hooks ``object_panel`` (thread + form), ``lazy_object_panel`` (the same, fetched when
opened: for lists), ``comment_counts`` (one query) and ``topbar`` (the notification bell of
the core's notification centre).
"""

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workspace.permissions import ALL_ROLES, COMMENTERS, Permission, can
from workspace.plugins import Commentable, NavItem, Plugin

from .api import api_bp
from .views import bp


def _project_commentable() -> Commentable:
    return Commentable(
        "project",
        resolve=lambda project, object_id: project if object_id == project.id else None,
        label=lambda project: project.name,
        url=lambda project: url_for(
            "comments.thread", project_id=project.id, object_type="project", object_id=project.id
        ),
        permission="project.view",
    )


def object_panel(project, object_type, object_id):
    """HTML of the thread of one object with its form (None if the reader may not see it)."""
    from . import operations as ops
    from .views import panel_context

    if project is None or not can(current_user, project, "comments.view"):
        return None
    found = ops.resolve(project, current_user, object_type, object_id)
    if found is None:
        return None
    ctx = panel_context(project, object_type, object_id, *found)
    return render_template("comments/_panel.html", **ctx)


def lazy_object_panel(project, object_type, object_id, count=0):
    """A closed « Discussion (n) » that loads the thread when opened (lists of objects: one
    count query for the page instead of a thread per object); None if it cannot be seen."""
    from . import operations as ops

    if project is None or not can(current_user, project, "comments.view"):
        return None
    if ops.resolve(project, current_user, object_type, object_id) is None:
        return None
    return render_template(
        "comments/_lazy_panel.html",
        project=project,
        object_type=object_type,
        object_id=object_id,
        count=count,
    )


def comment_counts(project, object_type):
    from . import operations as ops

    return ops.counts(project, object_type)


def topbar(project=None):
    """The notification bell (count of unread notifications) for the signed-in user."""
    from workspace.cache.small import render_small
    from workspace.notifications.center import unread_count

    if not current_user.is_authenticated:
        return None
    return render_small("notifications/_bell.html", unread=unread_count(current_user.id))


def _on_load(app):
    from .realtime import register

    register()


def _demo(ctx):
    from .demo import load

    if ctx.story == "main":  # the smaller demo projects have no discussions
        load(ctx)


plugin = Plugin(
    name="comments",
    title=_l("Discussions"),
    activity_types={"comment": (_l("Commentaires"), "message-circle")},
    blueprint=bp,
    api=api_bp,
    permissions=[
        Permission("comments.view", ALL_ROLES),
        Permission("comments.post", COMMENTERS, write=True),
    ],
    nav=[NavItem("comments.index", _l("Discussions"), "comments.view", "messages-square", 70)],
    commentables=[_project_commentable()],
    hooks={
        "object_panel": object_panel,
        "lazy_object_panel": lazy_object_panel,
        "comment_counts": comment_counts,
        "topbar": topbar,
    },
    styles=["css/comments.css"],
    scripts=["js/comments.js"],
    demo=_demo,
    on_load=_on_load,
)
