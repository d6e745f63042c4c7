"""scripts/dead_code.py (make deadcode) finds what nothing uses, and not what Django uses by name."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("dead_code", ROOT / "scripts" / "dead_code.py")
dead_code = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dead_code)


def test_a_function_nobody_calls_is_found_and_names_used_by_strings_or_templates_are_not(tmp_path):
    (tmp_path / "people").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "people" / "things.py").write_text(
        "import os\n\n"
        "def forgotten():\n    return 1\n\n"
        "def called():\n    return 2\n\n"
        "def shown_in_a_template():\n    return 3\n\n"
        "class ThingAdmin:\n    list_display = ('named_in_a_string',)\n\n"
        "    def named_in_a_string(self, obj):\n        return obj\n\n"
        "called()\n"
    )
    (tmp_path / "templates" / "page.html").write_text("{{ thing.shown_in_a_template }}")

    found = {(item.typ, item.name) for item in dead_code.unused(tmp_path)}

    assert found == {("function", "forgotten"), ("import", "os")}


def test_the_project_has_no_dead_code():
    assert [item.get_report() for item in dead_code.unused()] == []
