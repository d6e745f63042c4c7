"""The layers of docs/decisions/0080-layers.md, beyond what lint-imports checks (make lint).

lint-imports fails on an upward import anywhere. What it cannot see is an import of another app hidden
inside a function: harmless once the layers are right, it was the way the old registry/exams cycle was
dodged, and a new one is the first sign of a new cycle. Such imports are refused here, but for the few
that wait for Django's app registry to be ready, each named with its reason.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
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
    "config",
)

# (module, imported module): why it must wait until it is called.
WAIT_FOR_APP_REGISTRY = {
    # config.admin_site is loaded from INSTALLED_APPS, before any model can be imported.
    ("config.admin_site", "accounts.views"),
}


def _module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")[: -node.level]
    return ".".join([*base, node.module] if node.module else base)


def function_level_imports_of_other_apps(source: str, module: str) -> list[tuple[int, str]]:
    """(line, imported module) of every import inside a function that names another project app."""
    found = []
    own_app = module.split(".")[0]
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                names = [_resolve(module, node)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                app = name.split(".")[0]
                if app in APPS and app != own_app and (module, name) not in WAIT_FOR_APP_REGISTRY:
                    found.append((node.lineno, name))
    return found


def test_the_scan_finds_a_planted_import_of_another_app_inside_a_function():
    planted = (
        "def f():\n    from registry.models import Application\n    import exams.rules\n    from . import x\n"
    )
    assert function_level_imports_of_other_apps(planted, "people.selectors") == [
        (2, "registry.models"),
        (3, "exams.rules"),
    ]


def test_no_app_imports_another_inside_a_function():
    offences = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = _module_of(path)
            for line, name in function_level_imports_of_other_apps(path.read_text(), module):
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {name} inside a function")
    assert not offences, (
        "import at the top of the module (the layers allow it) or fix the cycle:\n" + "\n".join(offences)
    )
