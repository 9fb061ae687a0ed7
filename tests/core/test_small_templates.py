"""The layout's small templates kept per process (workspace/cache/small.py): the same HTML as
a fresh render, per language, per value; the project navigation per roles and page."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from tests.fragments import page
from workspace.cache.small import render_small


def test_a_kept_template_is_the_fresh_one_per_language_and_value(app):
    with app.test_request_context():
        for lang, words in (("fr", "notifications non lues"), ("en", "unread notifications")):
            with force_locale(lang):
                for unread in (0, 3, 250):
                    kept = render_small("notifications/_bell.html", unread=unread)
                    assert kept == render_template("notifications/_bell.html", unread=unread)
                    assert render_small("notifications/_bell.html", unread=unread) is kept
                assert words in render_small("notifications/_bell.html", unread=3)


def test_the_navigation_follows_roles_and_page(roles_project, login_as):
    project, people = roles_project
    settings = f"/projects/{project.id}/settings"
    coordinator, funder = login_as(people["coordinator"]), login_as(people["funder"])
    overview = f"/projects/{project.id}/"
    assert settings in page(coordinator, overview)
    assert settings not in page(funder, overview)
    here = page(coordinator, f"/projects/{project.id}/members/")
    assert f'href="/projects/{project.id}/members/" aria-current="page"' in here
    there = page(coordinator, f"/projects/{project.id}/activity")
    assert f'href="/projects/{project.id}/members/" aria-current' not in there
    assert f'href="/projects/{project.id}/activity" aria-current="page"' in there
