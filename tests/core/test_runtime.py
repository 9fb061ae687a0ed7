"""The served process freezes its start-up objects and raises the first GC threshold."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workspace.web.runtime import tune_gc

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restored_gc():
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_tune_gc_freezes_and_sets_the_thresholds(app, restored_gc):
    app.config["GC_THRESHOLD"] = "4000,12,14"
    tune_gc(app)
    assert gc.get_threshold() == (4000, 12, 14)
    assert gc.get_freeze_count() > 10_000  # the application's objects


def test_malformed_threshold_is_ignored_with_a_warning(app, restored_gc, caplog):
    before = gc.get_threshold()
    app.config["GC_THRESHOLD"] = "beaucoup"
    tune_gc(app)
    assert gc.get_threshold() == before
    assert "GC_THRESHOLD" in caplog.text


def test_the_wsgi_entry_point_applies_the_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSPACE_")}
    env |= {
        "WORKSPACE_INSTANCE_PATH": str(tmp_path),
        "WORKSPACE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
        "WORKSPACE_SECRET_KEY": "test",
    }
    code = "import gc, workspace.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 0)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "(5000, 10, 10) True"


def test_the_middleware_yields_then_answers_as_the_app():
    from workspace.web.runtime import YieldBeforeEachRequest

    calls = []

    def wsgi(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return [b"ok"]

    assert YieldBeforeEachRequest(wsgi)({"PATH_INFO": "/x"}, None) == [b"ok"]
    assert calls == ["/x"]


def test_fairness_applies_only_when_gevent_serves(app, tmp_path):
    from workspace.web.runtime import fair_under_gevent

    before = app.wsgi_app
    fair_under_gevent(app)  # the test process is not monkey-patched
    assert app.wsgi_app is before
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSPACE_")}
    env |= {
        "WORKSPACE_INSTANCE_PATH": str(tmp_path),
        "WORKSPACE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
        "WORKSPACE_SECRET_KEY": "test",
    }
    code = (
        "from gevent import monkey; monkey.patch_all()\n"
        "import workspace.wsgi as w; print(type(w.app.wsgi_app).__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "YieldBeforeEachRequest"
