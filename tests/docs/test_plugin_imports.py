"""docs/plugins.md lists the imports a plugin uses: each of them works, and the architecture's
folder map names every package of the core."""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _section(text: str, title: str) -> str:
    start = text.index(title)
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_every_import_a_plugin_is_shown_works():
    section = _section((ROOT / "docs" / "plugins.md").read_text(), "## The imports a plugin uses")
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    imports = [line for line in code.splitlines() if line.startswith("from workspace")]
    assert len(imports) >= 10
    for line in imports:
        module, names = re.match(r"from ([\w.]+) import (.+)", line.split("#")[0]).groups()
        for name in (n.strip() for n in names.split(",")):
            target = importlib.import_module(module)
            assert hasattr(target, name) or importlib.util.find_spec(f"{module}.{name}"), line


def test_the_folder_map_names_every_core_package_and_top_module():
    layout = _section((ROOT / "docs" / "architecture.md").read_text(), "## Layout")
    core = ROOT / "workspace"
    packages = [p.name for p in core.iterdir() if (p / "__init__.py").exists()]
    modules = [p.name for p in core.glob("*.py")]
    assert len(modules) <= 10, modules  # the top of workspace/ stays small
    for name in [f"{p}/" for p in packages] + modules:
        assert re.search(rf"^\s+{re.escape(name)}\s", layout, re.M), f"{name} missing from the map"
    for package in packages:
        doc = (core / package / "__init__.py").read_text()
        assert doc.startswith('"""'), f"workspace/{package} has no docstring"
