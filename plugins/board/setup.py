"""Board configuration: default columns, columns (WIP), labels, task templates."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from workspace.events import publish
from workspace.extensions import db
from workspace.models import Area

from .models import BoardColumn, BoardTemplate, Label, Task
from .operations import BoardError, create_task

#: French names stored in the database (content, not interface text).
DEFAULT_COLUMNS = [
    ("À faire", False),
    ("En cours", False),
    ("En attente d'un partenaire", False),
    ("Terminé", True),
]
DATA_DIR = Path(__file__).parent / "templates_data"


def columns_of(project) -> list[BoardColumn]:
    return list(
        db.session.scalars(
            db.select(BoardColumn)
            .filter_by(project_id=project.id)
            .order_by(BoardColumn.position, BoardColumn.id)
        )
    )


def ensure_columns(project) -> list[BoardColumn]:
    """The project's columns, creating the default ones the first time (no activity entry)."""
    columns = columns_of(project)
    if columns:
        return columns
    for i, (name, done) in enumerate(DEFAULT_COLUMNS):
        db.session.add(BoardColumn(project_id=project.id, name=name, position=i, done=done))
    db.session.flush()
    # After the flush session.new is empty again: tell the board view to commit them.
    db.session.info["board:new_columns"] = True
    return columns_of(project)


def _publish_board(project, actor, summary, column_id=None) -> None:
    publish(
        "board:configured",
        project,
        actor,
        summary,
        object_id=column_id,
        keys=["board"],
    )


def add_column(project, actor, name: str, wip_limit: int | None, done: bool = False):
    columns = ensure_columns(project)
    column = BoardColumn(
        project_id=project.id, name=name, wip_limit=wip_limit, done=done, position=len(columns)
    )
    db.session.add(column)
    db.session.flush()
    _publish_board(project, actor, _l("a ajouté la colonne « %(name)s »", name=name), column.id)
    return column


def update_column(column, actor, name: str, wip_limit: int | None, done: bool) -> None:
    column.name, column.wip_limit, column.done = name, wip_limit, done
    db.session.flush()
    project = _project(column)
    _publish_board(project, actor, _l("a modifié la colonne « %(name)s »", name=name), column.id)


def shift_column(column, actor, delta: int) -> None:
    """Move a column one place left (-1) or right (+1)."""
    project = _project(column)
    columns = columns_of(project)
    i = columns.index(column)
    j = i + delta
    if not 0 <= j < len(columns):
        return
    columns[i], columns[j] = columns[j], columns[i]
    for pos, c in enumerate(columns):
        c.position = pos
    db.session.flush()
    _publish_board(project, actor, _l("a réordonné les colonnes"), column.id)


def delete_column(column, actor) -> None:
    """Delete an empty column (archived tasks included); never the last one."""
    project = _project(column)
    if db.session.scalar(db.select(Task.id).filter_by(column_id=column.id).limit(1)):
        raise BoardError(_l("Videz la colonne (tâches archivées comprises) avant de la supprimer."))
    if len(columns_of(project)) <= 1:
        raise BoardError(_l("Le tableau doit garder au moins une colonne."))
    name = column.name
    db.session.delete(column)
    db.session.flush()
    for pos, c in enumerate(columns_of(project)):
        c.position = pos
    _publish_board(project, actor, _l("a supprimé la colonne « %(name)s »", name=name))


def _project(column):
    from workspace.models import Project

    return db.session.get(Project, column.project_id)


def add_label(project, actor, name: str, color: str) -> Label:
    exists = db.session.scalar(db.select(Label.id).filter_by(project_id=project.id, name=name))
    if exists:
        raise BoardError(_l("Cette étiquette existe déjà."))
    label = Label(project_id=project.id, name=name, color=color)
    db.session.add(label)
    db.session.flush()
    _publish_board(project, actor, _l("a créé l'étiquette « %(name)s »", name=name))
    return label


def delete_label(label: Label, actor) -> None:
    project = _project(label)
    db.session.delete(label)
    db.session.flush()
    _publish_board(project, actor, _l("a supprimé l'étiquette « %(name)s »", name=label.name))


# Task templates ----------------------------------------------------------------------------


def shipped_templates() -> dict[str, dict]:
    """The templates shipped as YAML files: ``{key: {"name", "tasks"}}``."""
    out = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[f"file:{path.stem}"] = data
    return out


def _visible_templates(user):
    """The saved templates ``user`` may start a project from: those of the projects they are
    a member of, and the ones a site administrator published."""
    from workspace.models import Membership

    mine = db.select(Membership.project_id).where(Membership.user_id == user.id)
    return db.select(BoardTemplate).where(
        or_(BoardTemplate.site_wide.is_(True), BoardTemplate.source_project_id.in_(mine))
    )


def template_choices(user) -> list[tuple[str, str]]:
    choices = [(key, data["name"]) for key, data in shipped_templates().items()]
    saved = db.session.scalars(_visible_templates(user).order_by(BoardTemplate.name))
    choices += [(f"db:{t.id}", t.name) for t in saved]
    return choices


def template_tasks(key: str, user) -> list[dict] | None:
    """The tasks of template ``key``, or None when it does not exist or ``user`` may not
    see it (a crafted key naming another project's template copies nothing)."""
    if key.startswith("file:"):
        data = shipped_templates().get(key)
        return data["tasks"] if data else None
    if key.startswith("db:") and key[3:].isdigit():
        stmt = _visible_templates(user).where(BoardTemplate.id == int(key[3:]))
        template = db.session.scalar(stmt)
        return json.loads(template.tasks_json) if template else None
    return None


def save_template(project, actor, name: str) -> BoardTemplate:
    """Save the board's active tasks (title, area, column, description, sub-items)."""
    columns = {c.id: c.name for c in columns_of(project)}
    tasks = db.session.scalars(
        db.select(Task)
        .filter_by(project_id=project.id, archived=False)
        .order_by(Task.column_id, Task.position)
    ).all()
    payload = [
        {
            "title": t.title,
            "area": t.area,
            "column": columns.get(t.column_id, ""),
            "description": t.description,
            "subitems": [s.title for s in t.subitems],
        }
        for t in tasks
    ]
    template = BoardTemplate(
        name=name,
        tasks_json=json.dumps(payload, ensure_ascii=False),
        source_project_id=project.id,
        created_by_id=actor.id,
    )
    db.session.add(template)
    db.session.flush()
    _publish_board(project, actor, _l("a enregistré le modèle de tâches « %(name)s »", name=name))
    return template


def apply_template(project, actor, key: str) -> int:
    """Create the template's tasks on the board (columns matched by name, created if
    missing); returns how many tasks were created."""
    from .models import SubItem

    tasks = template_tasks(key, actor)
    if not tasks:
        return 0
    columns = {c.name.casefold(): c for c in ensure_columns(project)}
    for spec in tasks:
        name = str(spec.get("column") or DEFAULT_COLUMNS[0][0])[:80]
        column = columns.get(name.casefold())
        if column is None:
            column = add_column(project, actor, name, None)
            columns[name.casefold()] = column
        area = spec.get("area") if spec.get("area") in {a.value for a in Area} else None
        task = create_task(
            project,
            actor,
            column,
            title=str(spec["title"])[:200],
            area=area,
            description=str(spec.get("description") or ""),
        )
        for i, title in enumerate(spec.get("subitems") or []):
            db.session.add(SubItem(task=task, title=str(title)[:200], position=i))
    db.session.flush()
    return len(tasks)
