"""CLI: ``flask --app workspace demo`` and ``flask --app workspace user create``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from workspace.extensions import db

user_cli = AppGroup("user", help="Manage accounts.")


@user_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--organisation", prompt=True, help="Organisation name (created if missing).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="Make the account a site administrator.")
def create_user(email, name, organisation, password, admin):
    """Create an account (and its organisation when new)."""
    from workspace.auth.credentials import hash_password, password_problem
    from workspace.models import Organisation, User

    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    email = email.strip().lower()
    if db.session.scalar(db.select(User).where(db.func.lower(User.email) == email)):
        raise click.BadParameter("an account with this email already exists", param_hint="--email")
    org = db.session.scalar(db.select(Organisation).filter_by(name=organisation))
    if org is None:
        org = Organisation(name=organisation)
        db.session.add(org)
    db.session.add(
        User(
            email=email,
            name=name,
            organisation=org,
            password_hash=hash_password(password),
            is_admin=admin,
        )
    )
    db.session.commit()
    click.echo(f"created {email}{' (site admin)' if admin else ''}")


@click.command("demo")
def demo_command():
    """Load the demo project (idempotent) and print the demo logins."""
    from workspace.projects.demo import load_demo

    logins = load_demo()
    click.echo("Demo project « GCSMS Domicile Luberon-Ventoux » ready. Logins:")
    for email, password, role in logins:
        click.echo(f"  {role:<28} {email:<40} {password}")


activity_cli = AppGroup("activity", help="The activity log.")


@activity_cli.command("verify")
@click.option("--project", "project_id", type=int, help="Only this project (default: all).")
def verify_activity(project_id):
    """Check the hash chain of the activity log: print the first broken entry, or OK."""
    from workspace.events import verify_chain
    from workspace.models import Activity, Project

    if project_id is not None:
        if db.session.get(Project, project_id) is None:
            raise click.BadParameter(f"no project {project_id}", param_hint="--project")
        ids = [project_id]
    else:
        ids = db.session.scalars(db.select(Project.id).order_by(Project.id)).all()
    for pid in ids:
        broken = verify_chain(pid)
        if broken is not None:
            entry = db.session.get(Activity, broken)
            click.echo(
                f"BROKEN project {pid}: entry {entry.id} ({entry.verb}, "
                f"{entry.created_at.isoformat(timespec='seconds')}): {entry.summary}"
            )
            raise SystemExit(1)
    click.echo("OK")


def register_cli(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(activity_cli)
    from workspace.backup.views import project_cli

    app.cli.add_command(project_cli)
