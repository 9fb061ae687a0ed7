"""The mutation check of the protections (scripts/protection_check.py) cannot rot silently.

The fast tests check that every protection of scripts/protections.py is still found in the code
and that its tests exist; the full mutation run (each protection removed once, its tests must
fail) takes minutes and runs only with ``--run-slow``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "protection_check.py"


def _script():
    spec = importlib.util.spec_from_file_location("protection_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_protection_is_still_found_in_the_code():
    script = _script()
    assert len(script.MUTATIONS) >= 25
    assert script.problems() == []


def test_each_mutation_is_valid_python_that_changes_the_code():
    for m in _script().MUTATIONS:
        for path, original, replacement in m.patches:
            text = (ROOT / path).read_text(encoding="utf-8")
            mutated = text.replace(original, replacement)
            assert mutated != text, m.name
            if path.endswith(".py"):  # a SyntaxError would be an ERROR row, not a PASS
                compile(mutated, path, "exec")


def test_the_problems_are_reported(tmp_path):
    script = _script()
    (tmp_path / "a.py").write_text("x = 1\nx = 1\n")
    bad = [
        script.Mutation("twice", "a.py", "x = 1", "x = 2", ("tests/none.py::test_x",)),
        script.Mutation("gone", "b.py", "y", "z", ()),
    ]
    found = script.problems(tmp_path, bad)
    assert any("found 2 times" in p for p in found)
    assert any("b.py does not exist" in p for p in found)
    assert any("no test named" in p for p in found)
    assert any("tests/none.py does not exist" in p for p in found)


@pytest.mark.slow
def test_removing_any_protection_fails_its_tests():
    """The real mutation run (minutes): every row must be PASS."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=3600
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
