"""Audit rows are written only by the audit services: a static scan of every project module.

An audit row written anywhere else would skip the chain (audit/chain.py), the redaction of personal data
(audit/redact.py) or the request's address, and would be one more place to keep right. So no module but
the sanctioned ones may construct an AuditEntry or AuditEvent, create one through a manager, or call the
chain's writers directly; everything else calls `audit.services.audit_log` or
`registry.services.audit.audit_record` / `audit_record_many`. Tests and migrations are not scanned.
"""

import ast
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AUDIT_MODELS = frozenset({"AuditEntry", "AuditEvent"})
MANAGER_WRITES = frozenset(
    {"create", "bulk_create", "get_or_create", "update_or_create", "abulk_create", "acreate"}
)
CHAIN_WRITERS = frozenset({"chain_append", "chain_append_many", "chain_seal"})
SANCTIONED = {
    "audit/services.py": "audit_log: the one writer of AuditEvent",
    "audit/chain.py": "the chain's writers, called by the two services",
    "registry/services/audit.py": "audit_record(_many): the one writer of the workflow's AuditEntry",
    "audit/retention.py": "builds unsaved AuditEvents from an archive file to verify it, never saves them",
}
NOT_PROJECT = {".venv", "tests", "migrations", "node_modules", "static", "__pycache__"}


def _audit_model_names(tree: ast.AST) -> set[str]:
    """The names the audit models go by in a module (their own, and any `import ... as` alias)."""
    names = set(AUDIT_MODELS)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {alias.asname for alias in node.names if alias.name in AUDIT_MODELS and alias.asname}
    return names


def _names_audit_model(node: ast.expr, names: set[str]) -> bool:
    """`AuditEvent`, an alias of it, or `anything.AuditEvent`."""
    if isinstance(node, ast.Name):
        return node.id in names
    return isinstance(node, ast.Attribute) and node.attr in AUDIT_MODELS


def audit_writes(source: str) -> list[tuple[int, str]]:
    """(line, what) for every place in `source` that writes audit rows itself."""
    tree = ast.parse(source)
    names = _audit_model_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if _names_audit_model(func, names):
            found.append((node.lineno, f"{ast.unparse(func)}(...) constructs an audit row"))
        elif isinstance(func, ast.Attribute) and func.attr in MANAGER_WRITES:
            manager = func.value
            if (
                isinstance(manager, ast.Attribute)
                and manager.attr in {"objects", "_default_manager", "_base_manager"}
                and _names_audit_model(manager.value, names)
            ):
                found.append((node.lineno, f"{ast.unparse(func)}(...) creates audit rows"))
        elif isinstance(func, ast.Attribute) and func.attr == "save":
            receiver = func.value
            if isinstance(receiver, ast.Call) and _names_audit_model(receiver.func, names):
                found.append((node.lineno, "saves an audit row"))
        if (isinstance(func, ast.Name) and func.id in CHAIN_WRITERS) or (
            isinstance(func, ast.Attribute) and func.attr in CHAIN_WRITERS
        ):
            found.append((node.lineno, f"{ast.unparse(func)}(...) writes to an audit chain directly"))
    return found


def project_modules() -> list[Path]:
    """Every Python module of the project, pruning tests, migrations and hidden or vendored folders."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [f for f in subfolders if f not in NOT_PROJECT and not f.startswith(".")]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return sorted(found)


def test_the_scan_sees_the_project():
    modules = {str(p.relative_to(ROOT)) for p in project_modules()}
    assert set(SANCTIONED) <= modules
    assert {"registry/services/intake.py", "exams/services.py", "bench/generate.py"} <= modules
    assert not any(m.startswith("tests/") or "/migrations/" in m for m in modules)


def test_audit_rows_are_written_only_by_the_audit_services():
    violations = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in project_modules()
        if str(path.relative_to(ROOT)) not in SANCTIONED
        for line, what in audit_writes(path.read_text(encoding="utf-8"))
    ]
    assert violations == []


def test_the_sanctioned_writers_do_write():
    """The list is not stale: each sanctioned module is one the scan would otherwise flag."""
    for module in SANCTIONED:
        assert audit_writes((ROOT / module).read_text(encoding="utf-8")), module


@pytest.mark.parametrize(
    "planted",
    [
        "from registry.models import AuditEntry\nAuditEntry.objects.create(transition='x')\n",
        "from audit.models import AuditEvent\nAuditEvent.objects.bulk_create([])\n",
        "from audit.models import AuditEvent\nevent = AuditEvent(action='x')\nevent.save()\n",
        "from audit.models import AuditEvent as Event\nEvent(action='x').save()\n",
        "from audit import models\nmodels.AuditEvent._default_manager.get_or_create(action='x')\n",
        "from audit.chain import chain_append\nchain_append(Model, action='x')\n",
        "import audit.chain\naudit.chain.chain_append_many(Model, [])\n",
        "def f():\n    from registry.models import AuditEntry\n    return AuditEntry(transition='x')\n",
    ],
)
def test_a_planted_write_is_found(planted):
    assert audit_writes(planted)


@pytest.mark.parametrize(
    "harmless",
    [
        "from audit.models import AuditEvent\nAuditEvent.objects.filter(action='x').count()\n",
        "from audit.services import audit_log\naudit_log(action='x', target=AuditEvent)\n",
        "from registry.services.audit import audit_record_many\naudit_record_many([{'transition': 'x'}])\n",
        "entry = AuditEntry.objects.get(pk=1)\nentry.comment\n",
    ],
)
def test_reading_and_calling_the_services_is_not_a_write(harmless):
    assert audit_writes(harmless) == []
