"""External plugins: installed through the ``coopilote.plugins`` entry point, checked on load.

The installation test runs in a subprocess so that this session's app (and its Socket.IO
singleton) is untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import Blueprint

from workspace.permissions import Permission
from workspace.plugins import Plugin, PluginError, check

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = """
from flask import Blueprint, render_template
from workspace.permissions import Permission, requires
from workspace.plugins import NavItem, Plugin

bp = Blueprint("tiny", __name__, template_folder="templates")


@bp.route("/")
@requires("tiny.view")
def index(project_id):
    return render_template("tiny/index.html")


plugin = Plugin(
    name="tiny",
    title="Petit module",
    blueprint=bp,
    permissions=[Permission("tiny.view", {"director", "adviser"})],
    nav=[NavItem("tiny.index", "Petit module", "tiny.view", icon="flag", order=99)],
)
"""

SCRIPT = """
import sys
from workspace import create_app
from workspace.extensions import db
from tests.factories import create_project, create_user

app = create_app({
    "TESTING": True, "INSTANCE_PATH": sys.argv[1], "WTF_CSRF_ENABLED": False,
    "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1] + "/plugin.sqlite",
    "SECRET_KEY": "x", "WORKSPACE_PLUGINS": [], "REDIS_URL": "",
})
with app.app_context():
    db.create_all()
    director, funder = create_user("Claire Martin"), create_user("Pierre Garnier")
    project = create_project({director: "director", funder: "funder"})

    def client(user):
        c = app.test_client()
        with c.session_transaction() as s:
            s["_user_id"] = user.get_id()
        return c

    overview = client(director).get(f"/projects/{project.id}/").text
    assert f'href="/projects/{project.id}/tiny/"' in overview, "tab missing"
    assert "Petit module" in overview
    page = client(director).get(f"/projects/{project.id}/tiny/")
    assert page.status_code == 200 and "Bonjour du petit module" in page.text, page.status_code
    funder_overview = client(funder).get(f"/projects/{project.id}/").text
    assert "/tiny/" not in funder_overview, "tab shown without the permission"
    assert client(funder).get(f"/projects/{project.id}/tiny/").status_code == 403
    print("PLUGIN-OK")
"""


def _install(site: Path) -> None:
    pkg = site / "coop_tiny"
    (pkg / "templates" / "tiny").mkdir(parents=True)
    (pkg / "__init__.py").write_text(PLUGIN)
    (pkg / "templates" / "tiny" / "index.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>Bonjour du petit module</p>{% endblock %}'
    )
    dist = site / "coop_tiny-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: coop-tiny\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[coopilote.plugins]\ntiny = coop_tiny:plugin\n")


def test_entry_point_plugin_tab_and_permission(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _install(site)
    instance = tmp_path / "instance"
    instance.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    env.pop("WORKSPACE_TEST_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), str(instance)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "PLUGIN-OK" in result.stdout


def _plugin(name, **kw):
    return Plugin(name=name, title=name, **kw)


def test_loader_rejects_a_clashing_name():
    with pytest.raises(PluginError, match="already taken"):
        check([_plugin("tiny"), _plugin("tiny")])
    with pytest.raises(PluginError, match="already taken"):
        check([_plugin("members")])


def test_loader_rejects_an_unprefixed_permission():
    with pytest.raises(PluginError, match=r"must start with 'tiny\.'"):
        check([_plugin("tiny", permissions=[Permission("board.edit", {"director"})])])


def test_loader_rejects_templates_outside_their_folder(tmp_path):
    (tmp_path / "templates" / "index.html").parent.mkdir(parents=True)
    (tmp_path / "templates" / "index.html").write_text("stray")
    bp = Blueprint("tiny", "coop_tiny", root_path=str(tmp_path), template_folder="templates")
    with pytest.raises(PluginError, match="templates must live under templates/tiny/"):
        check([_plugin("tiny", blueprint=bp)])


def test_loader_rejects_a_blueprint_named_otherwise():
    bp = Blueprint("other", "coop_tiny")
    with pytest.raises(PluginError, match="must be named 'tiny'"):
        check([_plugin("tiny", blueprint=bp)])


def test_loader_rejects_an_api_that_is_not_an_api_blueprint():
    from workspace.api.base import ApiBlueprint

    with pytest.raises(PluginError, match=r"must be a workspace\.api\.base\.ApiBlueprint"):
        check([_plugin("tiny", api=Blueprint("tiny_api", "coop_tiny"))])
    with pytest.raises(PluginError, match=r"must be a workspace\.api\.base\.ApiBlueprint"):
        check([_plugin("tiny", site_api=Blueprint("tiny_site_api", "coop_tiny"))])
    check([_plugin("tiny", api=ApiBlueprint("tiny_api", "coop_tiny", tag="tiny"))])
