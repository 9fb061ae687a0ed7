"""The worked example of docs/plugins.md installs as a package and its own tests pass.

The example is installed into a temporary target (``pip install --no-deps --target``): its
dist-info carries the ``coopilote.plugins`` entry point, so the app finds it exactly as it finds
a plugin installed from PyPI. Its tests run in a subprocess (their own app and database).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "coopilote-minutes"


def test_example_plugin_installs_and_its_tests_pass(tmp_path):
    target = tmp_path / "site"
    source = tmp_path / "src"  # setuptools builds in the tree: keep the checkout clean
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]
    assert (target / "coopilote_minutes" / "templates" / "minutes" / "index.html").exists()
    assert (target / "coopilote_minutes" / "migrations" / "versions").is_dir()
    entry_points = next(target.glob("coopilote_minutes-*.dist-info")) / "entry_points.txt"
    assert "minutes = coopilote_minutes:plugin" in entry_points.read_text()

    suite = tmp_path / "minutes_tests"  # outside the checkout: the installed package is tested
    shutil.copytree(source / "tests", suite)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)])}
    env.pop("WORKSPACE_TEST_DATABASE_URL", None)  # the example runs on its own SQLite file
    env.pop("PYTEST_XDIST_WORKER", None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
         "--rootdir", str(EXAMPLE), str(suite)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
