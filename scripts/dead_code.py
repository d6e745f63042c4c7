"""Dead code: functions, methods, classes, properties and imports that nothing uses (make test).

vulture (a maintained, widely used dead-code finder) scans the apps. Django calls much code by name — the
admin reads `list_display = ("record",)`, templates read `{{ cell.is_weekend }}`, settings name
middleware and validators by dotted path, FSM transitions are called through `getattr` — so before the
scan every identifier found in a string of the project's Python and every attribute path in a template
counts as a use. What vulture still reports as a function, method, class, property or import nobody uses,
or as unreachable code, fails the build. Class-level assignments (model fields, Meta options, admin
options) are what Django reads and are not reported. A name that is used only by a framework in a way
this cannot see goes in scripts/dead_code_whitelist.py, with its reason.

    python scripts/dead_code.py            # lists what is unused, exits 1 if anything is
"""

import ast
import keyword
import re
import sys
from pathlib import Path

import vulture

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "common",
    "audit",
    "pii",
    "accounts",
    "people",
    "workdays",
    "exams",
    "registry",
    "training",
    "supervision",
    "reports",
    "exchange",
    "config",
]
REPORTED = {"function", "method", "class", "property", "import", "unreachable_code"}
IGNORE_DECORATORS = [
    "@admin.register",
    "@admin.action",
    "@admin.display",
    "@register.*",
    "@describes",
    "@shared_task",
    "@app.task",
    "@receiver",
    "@transition",
    "@pytest.fixture",
]
# Names Django, Celery or a library call by convention on classes it is handed.
FRAMEWORK_NAMES = [
    "Meta",
    "Media",
    "Command",
    "add_arguments",
    "handle",
    "ready",
    "*Config",
    "*Middleware",
    "*Admin",
    "*Inline",
    "*Filter",
    "*Form",
    "*Backend",
    "*Handler",
    "*Validator",
    "*Resource",
    "*Widget",
    "*Field",
    "*Site",
    "lookups",
    "queryset",
    "choices",
    "expected_parameters",
    "has_output",
    "has_*_permission",
    "get_*",
    "save_model",
    "save_related",
    "save_formset",
    "delete_model",
    "delete_queryset",
    "log_*",
    "formfield_for_*",
    "response_*",
    "*_view",
    "clean",
    "clean_*",
    "form_valid",
    "form_invalid",
    "dispatch",
    "validate",
    "deconstruct",
    "from_db_value",
    "to_python",
    "pre_save",
    "formfield",
    "db_type",
    "contribute_to_class",
    "value_to_string",
    "before_*",
    "after_*",
    "import_instance",
    "save_instance",
    "init_instance",
    "import_row",
    "skip_row",
    "dehydrate_*",
    "create_dataset",
    "can_import",
    "can_export",
    "add_data_read_fail_error_to_form",
    "each_context",
    "password_change",
    "user_change_password",
    "check_*",
    "__*__",
]


def _strings_and_template_paths(root: Path) -> str:
    """A module that 'uses' every identifier named in a string or read in a template."""
    names: set[str] = set()
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    names.update(re.findall(r"[A-Za-z_]\w*", node.value))
    for path in (root / "templates").rglob("*.html"):
        for tag in re.findall(r"{[{%](.*?)[%}]}", path.read_text(), flags=re.S):
            names.update(re.findall(r"[A-Za-z_]\w*", tag))
    for app in APPS:
        for path in (root / app).rglob("templates/**/*.html"):
            for tag in re.findall(r"{[{%](.*?)[%}]}", path.read_text(), flags=re.S):
                names.update(re.findall(r"[A-Za-z_]\w*", tag))
    return "\n".join(f"_.{name}" for name in sorted(names) if not keyword.iskeyword(name))


def unused(root: Path = ROOT) -> list[vulture.core.Item]:
    finder = vulture.Vulture(ignore_names=FRAMEWORK_NAMES, ignore_decorators=IGNORE_DECORATORS)
    paths = [
        path
        for app in APPS
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and "settings" not in path.parts
    ]
    whitelist = root / "scripts" / "dead_code_whitelist.py"
    finder.scavenge([str(p) for p in paths] + ([str(whitelist)] if whitelist.exists() else []))
    finder.scan(_strings_and_template_paths(root), filename="<names in strings and templates>")
    return [
        item
        for item in finder.get_unused_code(min_confidence=60)
        if item.typ in REPORTED or item.confidence == 100
    ]


def main() -> int:
    items = unused()
    for item in items:
        print(item.get_report())
    if items:
        print(
            f"\n{len(items)} unused: delete it, or if a framework calls it in a way this cannot see, name it "
            "in scripts/dead_code_whitelist.py with the reason."
        )
        return 1
    print("dead code: none found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
