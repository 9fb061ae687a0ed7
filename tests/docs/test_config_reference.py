"""docs/admin.md embeds the configuration reference generated from workspace/config.py."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location(
        "config_reference", ROOT / "scripts" / "config_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_admin_guide_embeds_the_current_reference():
    ref = _script()
    text = (ROOT / "docs" / "admin.md").read_text()
    assert ref.BEGIN in text and ref.END in text
    assert ref.embed(text) == text, (
        "docs/admin.md is stale: run scripts/config_reference.py --write docs/admin.md"
    )


def test_every_setting_is_in_the_table():
    from workspace.config import SETTINGS

    table = _script().table()
    for setting in SETTINGS:
        assert f"`{setting.env}`" in table
    assert table.count("\n") == len(SETTINGS) + 2
