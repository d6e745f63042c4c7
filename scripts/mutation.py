"""Mutation testing of the rule modules: `make mutation` (not part of `make test`; docs/mutation.md).

Each mutant is one small change to a rule module, run against the tests that execute it; a mutant the
tests do not notice (they still pass) is a rule no test pins. Operators (docs/decisions/0081):

- compare:    every comparison negated and shifted by one (< → <=, >=; == → !=; in → not in; is → is not);
- number:     every numeric constant ±1, also the numbers written as text in `Decimal("70")`;
- boolop:     `and` ↔ `or`;
- negate:     a condition negated (`if x` → `if not (x)`), and every `not` removed;
- delete:     a statement of a function body replaced by `pass` (a whole `if`/`for`/`try` too);
- drop:       one item dropped from a set, tuple, list or dict display, module constants included;
- transition: `source` and `target` swapped in an `@transition(...)` decorator; its `conditions` or
              `permission` removed.

Not mutated: docstrings, type annotations, translatable strings (`_()`), model field definitions (the
schema is pinned by `makemigrations --check`), `class Meta`, `__slots__`.

How it runs, for speed (the whole run is meant to take about an hour on two cores):

- the test selection per module is MODULES below plus every test file that imports the module;
- one unmutated, traced run of the suite (the baseline) records which lines of the module each test
  runs; a mutant inside a function then runs only the tests that ran one of its lines, in the baseline's
  order, with `-x`. A mutant of import-time code (module constants, decorators, class bodies) runs every
  test that ran a line of the module and every test of a file that names it (it may read the module's
  data without running a line of it: a transition's `custom` dict);
- each of the `--workers` (default 2) has its own copy of the project (the mutant is written into the
  copy, never into the working tree) and a server process that has imported the heavy third-party
  libraries once; each mutant runs in a fork of it (`pytest.main`), so only our own code is imported
  afresh, from the mutated file;
- the test database is migrated once into a template file on tmpfs and copied for every mutant, so no
  mutant creates a database.

A mutant that cannot change behaviour is listed in docs/mutation-equivalents.toml with its reason; it
is not run and not counted. Score = killed / (mutants - equivalent).

    python scripts/mutation.py                                # every module
    python scripts/mutation.py registry/eligibility.py        # some modules
    python scripts/mutation.py --list registry/workflow.py    # the mutants, without running them
    python scripts/mutation.py --survivors-dir DIR            # also DIR/<module>.txt per module
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import io
import json
import os
import platform
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tokenize
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "docs" / "mutation-equivalents.toml"
RESULTS = ROOT / "var" / "mutation"

# The rule modules and the tests that pin them, the most specific first (-x stops at the first failure).
# Every other test file that imports the module is added after these.
MODULES: dict[str, list[str]] = {
    "registry/eligibility.py": [
        "tests/registry/test_eligibility.py",
        "tests/registry/test_eligibility_paths.py",
        "tests/registry/test_intake_oracle.py",
        "tests/registry/test_certificates.py",
        "tests/registry/test_application_services.py",
        "tests/registry/test_spreadsheet_paths.py",
        "tests/registry/test_portal_batches.py",
        "tests/registry/test_eligibility_windows.py",
        "tests/registry/test_sheet_rows_act_on_the_certificate_held.py",
        "tests/registry/test_intake_answers.py",
        "tests/registry/test_eligibility_reads_only_what_it_needs.py",
        "tests/registry/test_renewal_pending_keeps_registration.py",
        "tests/registry/test_early_renewal_no_gap.py",
        "tests/registry/test_change_of_employer.py",
        "tests/registry/test_certificate_of_other_employer_every_path.py",
        "tests/registry/test_other_employer_application_in_progress.py",
        "tests/registry/test_registration_lapse.py",
        "tests/registry/test_special_field_categories.py",
    ],
    "registry/workflow.py": [
        "tests/registry/test_workflow_graph.py",
        "tests/registry/test_protected_state.py",
        "tests/registry/test_application_services.py",
        "tests/registry/test_reminders.py",
        "tests/registry/test_certificates.py",
        "tests/registry/test_admin_transition_buttons.py",
        "tests/registry/test_workflow_diagram.py",
        "tests/registry/test_deadlines_recompute.py",
        "tests/registry/test_eligibility.py",
        "tests/registry/test_application_admin.py",
        "tests/registry/test_workflow_state_sets.py",
        "tests/registry/test_workflow_writes.py",
        "tests/registry/test_workflow_labels.py",
        "tests/registry/test_separation_of_duties.py",
        "tests/registry/test_late_acceptance_decisions.py",
        "tests/registry/test_registration_lapse.py",
        "tests/registry/test_renewal_pending_keeps_registration.py",
        "tests/registry/test_written_decisions.py",
    ],
    "registry/deadlines.py": [
        "tests/registry/test_deadlines.py",
        "tests/registry/test_deadlines_across_holidays.py",
        "tests/registry/test_deadlines_recompute.py",
        "tests/registry/test_workflow_graph.py",
    ],
    "exams/rules.py": [
        "tests/exams/test_rules.py",
        "tests/exams/test_score_import.py",
        "tests/exams/test_results_import.py",
        "tests/exams/test_result_correction.py",
        "tests/exams/test_certificate_issue.py",
    ],
    "people/validators.py": [
        "tests/registry/test_validators.py",
        "tests/audit/test_redact.py",
        "tests/registry/test_full_id_numbers.py",
        "tests/people/test_employer_sign_up.py",
        "tests/registry/test_intake_oracle.py",
        "tests/registry/test_verification.py",
    ],
    "training/rules.py": [
        "tests/training/test_continuing_education_rule.py",
        "tests/training/test_yearly_compliance.py",
    ],
    "workdays/working_days.py": [
        "tests/workdays/test_in_span_days_are_read_from_the_arrays.py",
        "tests/workdays/test_an_empty_span_counts_nothing.py",
        "tests/workdays/test_provisional_fixed_date_holidays.py",
        "tests/workdays/test_calendar_arrays_agree_with_the_rules.py",
        "tests/workdays/test_calendar_version_stamp.py",
        "tests/workdays/test_workdays.py",
        "tests/workdays/test_workday_cache.py",
        "tests/workdays/test_calendar_changes.py",
        "tests/registry/test_deadlines.py",
        "tests/registry/test_deadlines_across_holidays.py",
        "tests/registry/test_deadlines_recompute.py",
    ],
}

# Third-party libraries the tests import, loaded once by each worker's server before it forks a mutant.
PRELOAD = [
    "django",
    "django.db.models",
    "django.test",
    "django.test.utils",
    "django.core.management",
    "django.db.backends.sqlite3.base",
    "django.contrib.auth.hashers",
    "django_fsm",
    "pytest",
    "_pytest.python",
    "pytest_django.plugin",
    "faker",
    "factory",
    "factory.django",
    "time_machine",
    "openpyxl",
    "tablib",
    "import_export",
    "reportlab.pdfgen.canvas",
    "reportlab.pdfbase.ttfonts",
    "reportlab.platypus",
    "psycopg",
    "celery",
    "kombu",
    "redis",
    "PIL.Image",
    "cryptography.fernet",
    "segno",
    "defusedxml",
    "chinese_calendar",
    "environ",
    "polib",
]

OPERATORS = ("compare", "number", "boolop", "negate", "delete", "drop", "transition")


# --- the mutants -------------------------------------------------------------------------------------------
@dataclass
class Mutant:
    module: str
    index: int
    line: int
    operator: str
    where: str  # the function (Class.method) it is in, or "<import>" for module and class level code
    original: str
    mutated: str
    import_time: bool
    occurrence: int = 1  # the n-th mutant of this module with the same where/operator/original/mutated
    span: tuple[int, int] = (0, 0)  # the lines the changed code occupies: a test must run one to notice
    source: str = field(repr=False, default="")
    status: str = "pending"  # killed, timeout, error, survived, uncovered, equivalent, broken
    killed_by: str = ""
    seconds: float = 0.0
    tests: int = 0
    reason: str = ""

    def key(self) -> tuple[str, str, str, str, str, int]:
        return (self.module, self.where, self.operator, self.original, self.mutated, self.occurrence)

    def describe(self) -> str:
        again = f", occurrence {self.occurrence}" if self.occurrence > 1 else ""
        where = f"{self.operator}, in {self.where}{again}"
        return f"{self.module}:{self.line}: {self.original}  →  {self.mutated}  [{where}]"


_COMPARE = {
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
_OP_TEXT = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_OP_PATTERN = {
    ast.Lt: r"<(?!=)",
    ast.LtE: r"<=",
    ast.Gt: r">(?!=)",
    ast.GtE: r">=",
    ast.Eq: r"==",
    ast.NotEq: r"!=",
    ast.In: r"\bin\b",
    ast.NotIn: r"\bnot\s+in\b",
    ast.Is: r"\bis\b",
    ast.IsNot: r"\bis\s+not\b",
}
_TRANSLATION_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}
_NOT_DELETED = (ast.Pass, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
_NOT_DELETED += (ast.Global, ast.Nonlocal)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _is_docstring(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_field_definition(call: ast.Call) -> bool:
    """models.CharField(...), models.ForeignKey(...), FSMField(...): the schema, not a rule."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name.endswith("Field") or name in {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


class _Source:
    """A module's text with ast positions (UTF-8 byte columns) turned into offsets, for splicing."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode()
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.comments: dict[int, int] = {}  # line → offset of its comment, left out of what is shown
        for token in tokenize.tokenize(io.BytesIO(self.data).readline):
            if token.type == tokenize.COMMENT:
                row, column = token.start
                self.comments[row] = self.starts[row - 1] + len(token.line[:column].encode())

    def start(self, node: ast.AST) -> int:
        return self.starts[node.lineno - 1] + node.col_offset

    def end(self, node: ast.AST) -> int:
        return self.starts[node.end_lineno - 1] + node.end_col_offset

    def segment(self, node: ast.AST) -> str:
        return self.data[self.start(node) : self.end(node)].decode()

    def between(self, a: ast.AST, b: ast.AST) -> tuple[int, int]:
        return self.end(a), self.start(b)

    def line_bounds(self, node: ast.AST) -> tuple[int, int]:
        first = self.starts[node.lineno - 1]
        last = self.starts[node.end_lineno] if node.end_lineno < len(self.starts) else len(self.data)
        return first, last


@dataclass
class _Candidate:
    operator: str
    node: ast.AST  # the node replaced
    text: str  # its replacement (an expression, or a statement for a deletion)
    line: int
    original: str
    mutated: str
    where: str
    runtime: bool


@dataclass(frozen=True)
class _Context:
    where: str  # the top-level function or method ("Class.method"), "@Class.method" for its decorators
    runtime: bool  # inside a function body (else: run once, at import)
    drops: bool = True  # whether displays here may lose items (not in subscripts: type arguments)


class _Finder:
    """Walks a module and proposes every mutant, in source order."""

    def __init__(self, source: _Source) -> None:
        self.src = source
        self.found: list[_Candidate] = []

    def body(self, statements: list[ast.stmt], names: tuple[str, ...], ctx: _Context) -> None:
        for statement in statements:
            if _is_docstring(statement):
                continue
            if ctx.runtime and not isinstance(statement, _NOT_DELETED):
                self._delete(statement, ctx)
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._function(statement, names, ctx)
            elif isinstance(statement, ast.ClassDef):
                self._class(statement, names, ctx)
            elif isinstance(
                statement, (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.AsyncFor, ast.AsyncWith)
            ):
                self._compound(statement, names, ctx)
            else:
                self.walk(statement, ctx)

    def _function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, names: tuple[str, ...], ctx: _Context
    ) -> None:
        qualname = ".".join((*names, node.name))
        outer = ctx if ctx.runtime else _Context(f"@{qualname}", runtime=False)
        for decorator in node.decorator_list:
            self.walk(decorator, outer)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.walk(default, outer)
        self.body(node.body, (*names, node.name), ctx if ctx.runtime else _Context(qualname, runtime=True))

    def _class(self, node: ast.ClassDef, names: tuple[str, ...], ctx: _Context) -> None:
        if node.name == "Meta":
            return
        qualname = ".".join((*names, node.name))
        inner = ctx if ctx.runtime else _Context(f"<class {qualname}>", runtime=False)
        for expression in [*node.decorator_list, *node.bases]:
            self.walk(expression, inner)
        self.body(node.body, (*names, node.name), inner)

    def _compound(self, statement: ast.stmt, names: tuple[str, ...], ctx: _Context) -> None:
        """The parts of a compound statement; its inner statements are deletable each on its own."""
        if isinstance(statement, (ast.If, ast.While)):
            self._negate(statement.test, ctx)
        for name, value in ast.iter_fields(statement):
            if name in ("body", "orelse", "finalbody"):
                self.body(value, names, ctx)
            elif name == "handlers":
                for handler in value:
                    if handler.type is not None:
                        self.walk(handler.type, ctx)
                    self.body(handler.body, names, ctx)
            elif name == "items":
                for item in value:
                    self.walk(item.context_expr, ctx)
            elif name != "target" and isinstance(value, ast.AST):
                self.walk(value, ctx)

    def walk(self, node: ast.AST, ctx: _Context) -> None:
        if isinstance(node, ast.JoinedStr):
            return
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__slots__" for t in node.targets
        ):
            return
        if isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.walk(node.value, ctx)
            return
        if isinstance(node, (ast.Lambda, ast.arguments, ast.arg)):
            if isinstance(node, ast.Lambda):
                self.walk(node.body, ctx)
            return
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in _TRANSLATION_CALLS or _is_field_definition(node):
                return
            if name == "transition":
                self._transition(node, ctx)
            if name == "Decimal" and len(node.args) == 1 and isinstance(node.args[0], ast.Constant):
                self._decimal(node.args[0], ctx)
        if isinstance(node, ast.Subscript):
            self.walk(node.value, ctx)
            self.walk(node.slice, _Context(ctx.where, ctx.runtime, drops=False))
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.right, ast.Dict):
            self.walk(node.left, ctx)  # "… %(value)s …" % {"value": …}: the keys are the message's
            for value in node.right.values:
                self.walk(value, ctx)
            return
        self._propose(node, ctx)
        for child in ast.iter_child_nodes(node):
            self.walk(child, ctx)

    def _add(self, operator: str, node: ast.AST, text: str, ctx: _Context, **kw) -> None:
        line = kw.pop("line", node.lineno)
        original, mutated = kw.pop("original", None), kw.pop("mutated", None)
        if original is None:
            original, mutated = self._lines(node, text)
        self.found.append(
            _Candidate(
                operator, node, text, line, _collapse(original), _collapse(mutated), ctx.where, ctx.runtime
            )
        )

    def _lines(self, node: ast.AST, text: str) -> tuple[str, str]:
        """The source line(s) of `node`, before and after `node` is replaced by `text`."""
        first, last = self.src.line_bounds(node)
        last = self.src.comments.get(node.end_lineno, last)
        before = self.src.data[first : self.src.start(node)].decode()
        after = self.src.data[self.src.end(node) : max(last, self.src.end(node))].decode()
        return before + self.src.segment(node) + after, before + text + after

    def _propose(self, node: ast.AST, ctx: _Context) -> None:
        if isinstance(node, ast.Compare):
            self._compare(node, ctx)
        elif isinstance(node, ast.BoolOp):
            self._boolop(node, ctx)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self._add("negate", node, self.src.segment(node.operand), ctx)
        elif isinstance(node, ast.IfExp):
            self._negate(node.test, ctx)
        elif isinstance(node, ast.comprehension):
            for condition in node.ifs:
                self._negate(condition, ctx)
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            for delta in (1, -1):
                self._add("number", node, repr(node.value + delta), ctx)
        elif ctx.drops and isinstance(node, (ast.Set, ast.List, ast.Tuple, ast.Dict)):
            self._drop(node, ctx)

    def _compare(self, node: ast.Compare, ctx: _Context) -> None:
        operands = [node.left, *node.comparators]
        segment_start = self.src.start(node)
        segment = self.src.segment(node).encode()
        for i, op in enumerate(node.ops):
            gap_start, gap_end = self.src.between(operands[i], operands[i + 1])
            gap = self.src.data[gap_start:gap_end].decode()
            for replacement in _COMPARE[type(op)]:
                new_gap, count = re.subn(_OP_PATTERN[type(op)], _OP_TEXT[replacement], gap, count=1)
                if count != 1:
                    continue
                rel_start, rel_end = gap_start - segment_start, gap_end - segment_start
                text = (segment[:rel_start] + new_gap.encode() + segment[rel_end:]).decode()
                self._add("compare", node, text, ctx, line=operands[i].end_lineno)

    def _boolop(self, node: ast.BoolOp, ctx: _Context) -> None:
        segment_start = self.src.start(node)
        segment = self.src.segment(node).encode()
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        pieces, cursor = [], 0
        for a, b in zip(node.values, node.values[1:], strict=False):
            gap_start, gap_end = (x - segment_start for x in self.src.between(a, b))
            gap = segment[gap_start:gap_end].decode()
            pieces += [segment[cursor:gap_start], re.sub(rf"\b{old}\b", new, gap, count=1).encode()]
            cursor = gap_end
        pieces.append(segment[cursor:])
        self._add("boolop", node, b"".join(pieces).decode(), ctx)

    def _negate(self, test: ast.expr, ctx: _Context) -> None:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return  # removing the `not` is proposed where the `not` is
        self._add("negate", test, f"not ({self.src.segment(test)})", ctx)

    def _delete(self, statement: ast.stmt, ctx: _Context) -> None:
        lines = self.src.segment(statement).splitlines()
        first = lines[0]
        comment = self.src.comments.get(statement.lineno)
        if comment is not None and len(lines) > 1:
            first = self.src.data[self.src.start(statement) : comment].decode()
        original = first.rstrip() + (" …" if len(lines) > 1 else "")
        text = "pass"
        if original.startswith("elif"):  # the If of an `elif` starts at the keyword
            text = "else:\n" + " " * (statement.col_offset + 4) + "pass"
        self._add("delete", statement, text, ctx, original=original, mutated="pass")

    def _decimal(self, constant: ast.Constant, ctx: _Context) -> None:
        text = str(constant.value)
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            return
        for delta in (1, -1):
            new = str(int(text) + delta) if "." not in text else repr(round(float(text) + delta, 10))
            self._add("number", constant, json.dumps(new), ctx)

    def _drop(self, node: ast.Set | ast.List | ast.Tuple | ast.Dict, ctx: _Context) -> None:
        """One item less in a collection of states, codes or fixed values (not of computed values)."""
        if isinstance(node, ast.Dict):
            if any(k is None or not _is_fixed(k) for k in node.keys):
                return
            pairs = [(k, v) for k, v in zip(node.keys, node.values, strict=True) if k is not None]
            for i, (key, value) in enumerate(pairs):
                kept = [
                    f"{self.src.segment(k)}: {self.src.segment(v)}"
                    for j, (k, v) in enumerate(pairs)
                    if j != i
                ]
                original = f"{self.src.segment(key)}: {self.src.segment(value)}"
                text = "{" + ", ".join(kept) + "}"
                self._add("drop", node, text, ctx, line=key.lineno, original=original, mutated="(dropped)")
            return
        elements = node.elts
        loading = isinstance(getattr(node, "ctx", ast.Load()), ast.Load)
        if not loading or not elements or not all(_is_fixed(e) for e in elements):
            return
        if all(isinstance(e, ast.Constant) and type(e.value) in (int, float) for e in elements):
            return  # numbers get ±1 instead (dropping one from a tuple of weights breaks a zip at once)
        for i, element in enumerate(elements):
            kept = [self.src.segment(e) for j, e in enumerate(elements) if j != i]
            if isinstance(node, ast.List):
                text = "[" + ", ".join(kept) + "]"
            elif isinstance(node, ast.Set):
                text = "{" + ", ".join(kept) + "}" if kept else "set()"
            else:
                text = "(" + ", ".join(kept) + ("," if len(kept) == 1 else "") + ")"
            original = self.src.segment(element)
            self._add("drop", node, text, ctx, line=element.lineno, original=original, mutated="(dropped)")

    def _transition(self, call: ast.Call, ctx: _Context) -> None:
        keywords = {k.arg: k for k in call.keywords if k.arg}

        def rebuild(values: dict[str, str | None]) -> str:
            parts = [self.src.segment(a) for a in call.args]
            for k in call.keywords:
                if k.arg is None:
                    parts.append("**" + self.src.segment(k.value))
                    continue
                value = values[k.arg] if k.arg in values else self.src.segment(k.value)
                if value is not None:
                    parts.append(f"{k.arg}={value}")
            return f"{self.src.segment(call.func)}({', '.join(parts)})"

        if "source" in keywords and "target" in keywords:
            source, target = (self.src.segment(keywords[k].value) for k in ("source", "target"))
            original, mutated = f"source={source}, target={target}", f"source={target}, target={source}"
            text = rebuild({"source": target, "target": source})
            self._add(
                "transition",
                call,
                text,
                ctx,
                line=keywords["source"].lineno,
                original=original,
                mutated=mutated,
            )
        for name in ("conditions", "permission"):
            if name in keywords:
                original = f"{name}={self.src.segment(keywords[name].value)}"
                text = rebuild({name: None})
                self._add(
                    "transition",
                    call,
                    text,
                    ctx,
                    line=keywords[name].lineno,
                    original=original,
                    mutated="(removed)",
                )


def _is_fixed(node: ast.AST) -> bool:
    """A literal, an enum member or class (`S.ACCEPTED`, `ApplicationState`), or a tuple of those."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple):
        return all(_is_fixed(e) for e in node.elts)
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id[:1].isupper()


def _replace_node(tree: ast.AST, old: ast.AST, new: ast.AST) -> bool:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return True
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return True
    return False


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=False)


def _spliced_text(c: _Candidate) -> str:
    """The replacement as written into the file: in parentheses where precedence could change it."""
    atoms = (ast.Call, ast.Name, ast.Attribute, ast.Dict, ast.List, ast.Set, ast.Tuple, ast.stmt)
    if isinstance(c.node, atoms) or (isinstance(c.node, ast.Constant) and not c.text.startswith("-")):
        return c.text
    return f"({c.text})"


def mutants_of(module: str, root: Path = ROOT) -> list[Mutant]:
    """Every mutant of `module` (a path relative to the project), in a fixed order."""
    text = (root / module).read_text()
    src = _Source(text)
    tree = ast.parse(text)
    finder = _Finder(src)
    finder.body(tree.body, (), _Context("<module>", runtime=False))
    original_dump = _dump(tree)
    mutants: list[Mutant] = []
    seen: set[str] = set()
    for c in finder.found:
        data = src.data[: src.start(c.node)] + _spliced_text(c).encode() + src.data[src.end(c.node) :]
        new_text = data.decode()
        # The mutated file must parse to exactly the tree with the node replaced: a check of the splicing.
        if isinstance(c.node, ast.stmt):
            replacement: ast.AST = ast.Pass()
        else:
            replacement = ast.parse(f"({c.text})", mode="eval").body
        expected = ast.parse(text)
        twin = _find_twin(expected, c.node)
        if twin is None or not _replace_node(expected, twin, replacement):
            raise RuntimeError(f"{module}:{c.line}: cannot locate the node of {c.operator}")
        try:
            got = _dump(ast.parse(new_text))
        except SyntaxError as error:
            raise RuntimeError(f"{module}:{c.line}: {c.operator} gives invalid code: {error}") from None
        if got != _dump(expected):
            raise RuntimeError(f"{module}:{c.line}: {c.operator} spliced wrongly: {c.original} → {c.text}")
        if got == original_dump or got in seen:
            continue
        seen.add(got)
        occurrence = 1 + sum(
            (m.where, m.operator, m.original, m.mutated)
            == (c.where, c.operator, _collapse(c.original), c.mutated)
            for m in mutants
        )
        mutants.append(
            Mutant(
                module=module,
                index=len(mutants) + 1,
                line=c.line,
                operator=c.operator,
                where=c.where,
                original=c.original,
                mutated=c.mutated,
                import_time=not c.runtime,
                occurrence=occurrence,
                span=(c.node.lineno, c.node.end_lineno or c.node.lineno),
                source=new_text,
            )
        )
    return mutants


def _find_twin(copy: ast.AST, node: ast.AST) -> ast.AST | None:
    """The node of `copy` (a fresh parse of the same text) at the position and of the type of `node`."""
    for candidate in ast.walk(copy):
        if (
            type(candidate) is type(node)
            and getattr(candidate, "lineno", None) == node.lineno
            and getattr(candidate, "col_offset", None) == node.col_offset
            and getattr(candidate, "end_lineno", None) == node.end_lineno
            and getattr(candidate, "end_col_offset", None) == node.end_col_offset
        ):
            return candidate
    return None


# --- equivalent mutants ----------------------------------------------------------------------------------
def load_equivalents(path: Path = EQUIVALENTS) -> dict[tuple[str, str, str, str, str, int], str]:
    """{mutant key: reason} from docs/mutation-equivalents.toml."""
    if not path.exists():
        return {}
    result = {}
    for entry in tomllib.loads(path.read_text()).get("equivalent", []):
        texts = tuple(
            _collapse(str(entry[k])) for k in ("module", "where", "operator", "original", "mutated")
        )
        if not str(entry.get("reason", "")).strip():
            raise SystemExit(f"{path}: an equivalent mutant without a reason: {entry}")
        result[(*texts, int(entry.get("occurrence", 1)))] = entry["reason"].strip()
    return result


# --- the worker's server and the forked test run ---------------------------------------------------------
def _run_plugin(result_path: str, targets: dict[str, str]) -> object:
    """The pytest plugin of a forked run: records the first failure, each test's time and outcome, and
    (for the baseline) the lines of each target module ({real path: module}) each test runs."""
    import pytest

    trace = bool(targets)

    class Plugin:
        def __init__(self) -> None:
            self.first_failure = ""
            self.failed: list[str] = []
            self.skipped: list[str] = []
            self.durations: dict[str, float] = {}
            self.lines: dict[str, dict[str, list[int]]] = {}
            self.order: list[str] = []
            self.module_of: dict[object, str | None] = {}
            self.current: dict[str, set[int]] = {}

        def tracer(self, frame, event, arg):  # sys.settrace: line events only in the targets' frames
            code = frame.f_code
            try:
                module = self.module_of[code]
            except KeyError:
                module = self.module_of[code] = targets.get(os.path.realpath(code.co_filename))
            if module is None:
                return None
            lines = self.current.setdefault(module, set())
            lines.add(frame.f_lineno)

            def local(frame, event, arg):
                if event == "line":
                    lines.add(frame.f_lineno)
                return local

            return local

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_protocol(self, item, nextitem):
            self.order.append(item.nodeid)
            self.current = {}
            if trace:
                threading.settrace(self.tracer)
                sys.settrace(self.tracer)
            started = time.perf_counter()
            try:
                return (yield)
            finally:
                if trace:
                    sys.settrace(None)
                    threading.settrace(None)  # type: ignore[arg-type]
                    self.lines[item.nodeid] = {m: sorted(lines) for m, lines in self.current.items()}
                self.durations[item.nodeid] = time.perf_counter() - started

        def pytest_runtest_logreport(self, report):
            if report.failed:
                if not self.first_failure:
                    self.first_failure = f"{report.nodeid} ({report.when})"
                if report.nodeid not in self.failed:
                    self.failed.append(report.nodeid)
            elif report.skipped and report.nodeid not in self.skipped:
                self.skipped.append(report.nodeid)

        def pytest_collectreport(self, report):
            if report.failed and not self.first_failure:
                self.first_failure = f"collecting {report.nodeid or 'the tests'}"

        def pytest_sessionfinish(self, session, exitstatus):
            result = {
                "first_failure": self.first_failure,
                "failed": self.failed,
                "skipped": self.skipped,
                "durations": self.durations,
                "lines": self.lines,
                "order": self.order,
            }
            Path(result_path).write_text(json.dumps(result))

    return Plugin()


def _use_template_database() -> None:
    """The test database is a copy of a migrated template: skip create_test_db's migrate."""
    from django.conf import settings
    from django.db.backends.base.creation import BaseDatabaseCreation

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        name = os.environ["MUTATION_TEST_DB"]
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        return name

    BaseDatabaseCreation.create_test_db = create_test_db


def serve(copy: Path, template: str, database: str) -> None:
    """A worker's server: reads one job a line on stdin, answers one JSON line on stdout."""
    import importlib

    os.chdir(copy)
    sys.path.insert(0, str(copy))
    for name in PRELOAD:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    originals: dict[str, str] = {}
    written: dict[str, str] = {}
    out = sys.stdout
    log = copy / "mutant.log"

    def write(module: str, text: str) -> None:
        if written.get(module) == text:
            return
        path = copy / module
        path.write_text(text)
        written[module] = text
        # A mutant of the same size written in the same second would otherwise load the previous .pyc.
        (path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.pyc").unlink(
            missing_ok=True
        )

    running: list[int] = []

    def stop(signum: int, frame: object) -> None:  # the harness stops: so does the mutant's test run
        for pid in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for line in sys.stdin:
        job = json.loads(line)
        module = job["module"]
        if module is not None:
            originals.setdefault(module, (copy / module).read_text())
            written.setdefault(module, originals[module])
        for other, text in originals.items():
            write(other, text if other != module or job["source"] is None else job["source"])
        shutil.copyfile(template, database)
        result_path = str(copy / "mutant.json")
        Path(result_path).unlink(missing_ok=True)
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: run the tests on the mutated copy, never return
            code = 4
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.setpgid(0, 0)
                fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                sys.stdin = open(os.devnull)  # noqa: SIM115
                os.environ["MUTATION_TEST_DB"] = database
                import pytest

                _use_template_database()
                args = ["-q", "-p", "no:cacheprovider", "--reuse-db", "--no-header", "-o", "addopts="]
                args += [] if job["trace"] else ["-x"]  # the baseline runs every test
                targets = {os.path.realpath(copy / m): m for m in job.get("trace", [])}
                plugin = _run_plugin(result_path, targets)
                code = int(pytest.main([*args, *job["tests"]], plugins=[plugin]))
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                with contextlib.suppress(Exception):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(code)
        running[:] = [pid]
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)  # also here: no race with a stop before the child did it
        status = None
        while status is None:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(raw)
            elif time.monotonic() - started > job["timeout"]:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                status = "timeout"
            else:
                time.sleep(0.02)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)  # anything the tests started and left behind
        details = {}
        with contextlib.suppress(OSError, ValueError):
            details = json.loads(Path(result_path).read_text())
        tail = ""
        with contextlib.suppress(OSError):
            tail = log.read_text(errors="replace")[-3000:]
        answer = {"exit": status, "seconds": time.monotonic() - started, "log": tail, **details}
        out.write(json.dumps(answer) + "\n")
        out.flush()


class Worker:
    def __init__(self, number: int, base: Path, template: Path) -> None:
        self.number = number
        self.copy = base / f"worker-{number}"
        self.database = base / f"worker-{number}.sqlite3"
        shutil.copytree(
            ROOT,
            self.copy,
            ignore=shutil.ignore_patterns(
                ".git", ".venv", "var", "__pycache__", "*.pyc", "db.sqlite3*", ".*_cache", "test-artifacts"
            ),
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONHASHSEED": "0"}
        env.pop("DATABASE_URL", None)
        server = [sys.executable, str(self.copy / "scripts" / "mutation.py"), "--serve", str(self.copy)]
        self.process = subprocess.Popen(  # noqa: S603 (this script, with paths it made)
            [*server, str(template), str(self.database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=self.copy,
            env=env,
            text=True,
            start_new_session=True,
        )

    def run(self, job: dict) -> dict:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.number} stopped")
        return json.loads(line)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.process.terminate()  # the server kills the test run it is waiting for
            self.process.wait(timeout=10)
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)


# --- the run ---------------------------------------------------------------------------------------------
def suite_files() -> list[str]:
    """Every test file but the browser tests, in name order."""
    paths = sorted((ROOT / "tests").rglob("test_*.py"))
    return [str(p.relative_to(ROOT)) for p in paths if "e2e" not in p.relative_to(ROOT).parts]


@dataclass
class Baseline:
    """A module's tests: those that ran at least one of its lines in the traced run of the suite, the
    files of MODULES[module] first (in that order), then the others in the suite's order."""

    tests: list[str]
    durations: dict[str, float]
    lines: dict[str, set[int]]
    # For import-time code (constants, decorators, class bodies): also the tests of the files that name
    # the module, which may read its data without running a line of it (a transition's `custom`, say).
    readers: list[str] = field(default_factory=list)


def _naming_files(module: str) -> set[str]:
    """MODULES[module] and every test file that imports the module by its dotted name."""
    dotted = module.removesuffix(".py").replace("/", ".")
    package, _dot, name = dotted.rpartition(".")
    pattern = re.compile(rf"\b{re.escape(dotted)}\b|from {re.escape(package)} import [^\n]*\b{name}\b")
    named = {f for f in suite_files() if pattern.search((ROOT / f).read_text(encoding="utf-8"))}
    return named | set(MODULES[module])


def _baselines(modules: list[str], answers: list[dict]) -> dict[str, Baseline]:
    order = [t for a in answers for t in a.get("order", [])]
    left_out = {t for a in answers for t in (*a.get("failed", []), *a.get("skipped", []))}
    durations = {t: d for a in answers for t, d in a.get("durations", {}).items()}
    traced = {t: lines for a in answers for t, lines in a.get("lines", {}).items()}
    result = {}
    for module in modules:
        priority = {f: i for i, f in enumerate(MODULES[module])}
        tests = [t for t in order if t not in left_out and traced.get(t, {}).get(module)]
        position = {t: i for i, t in enumerate(tests)}
        tests.sort(key=lambda t: (priority.get(t.split("::")[0], len(priority)), position[t]))
        lines = {t: set(traced[t][module]) for t in tests}
        files = _naming_files(module)
        readers = tests + [
            t for t in order if t not in left_out and t not in lines and t.split("::")[0] in files
        ]
        readers.sort(key=lambda t: priority.get(t.split("::")[0], len(priority)))  # stable: traced first
        timing = {t: durations.get(t, 1.0) for t in readers}
        result[module] = Baseline(tests, timing, lines, readers)
    return result


def plan(mutant: Mutant, baseline: Baseline) -> list[str]:
    """The tests a mutant runs: the baseline's tests that ran one of its lines; for import-time code, all
    of those and the tests of every file that names the module."""
    if mutant.import_time:
        return list(baseline.readers)
    first, last = mutant.span
    return [t for t in baseline.tests if any(first <= line <= last for line in baseline.lines[t])]


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, load average {load}"


def _survivor_line(m: Mutant) -> str:
    note = "  (no test runs this line)" if m.status == "uncovered" else ""
    return m.describe() + note


def _module_report(module: str, mutants: list[Mutant], seconds: float) -> dict:
    counts = {s: sum(1 for m in mutants if m.status == s) for s in ("killed", "timeout", "error", "survived")}
    counts["uncovered"] = sum(1 for m in mutants if m.status == "uncovered")
    equivalent = sum(1 for m in mutants if m.status == "equivalent")
    broken = sum(1 for m in mutants if m.status == "broken")
    killed = counts["killed"] + counts["timeout"] + counts["error"]
    scored = len(mutants) - equivalent - broken
    return {
        "module": module,
        "mutants": len(mutants),
        "killed": killed,
        "timeout": counts["timeout"],
        "equivalent": equivalent,
        "survived": counts["survived"] + counts["uncovered"],
        "uncovered": counts["uncovered"],
        "score": 100.0 * killed / scored if scored else 100.0,
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", help="rule modules (paths); default: all of MODULES")
    parser.add_argument("--workers", type=int, default=2, help="parallel test runs (default 2)")
    parser.add_argument("--list", action="store_true", help="print the mutants and stop")
    parser.add_argument("--operators", nargs="*", choices=OPERATORS, help="only these operators")
    parser.add_argument(
        "--survivors-dir", type=Path, default=RESULTS / "survivors", help="<dir>/<module>.txt per module"
    )
    parser.add_argument(
        "--again",
        type=Path,
        metavar="PROGRESS",
        help="re-run only the mutants an earlier run's progress file (var/mutation/progress.jsonl) does not "
        "show killed; the others keep their outcome. Refused for a module whose mutants changed since.",
    )
    parser.add_argument("--serve", nargs=3, metavar=("COPY", "TEMPLATE", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(Path(args.serve[0]), args.serve[1], args.serve[2])
        return 0
    modules = args.modules or list(MODULES)
    for module in modules:
        if module not in MODULES:
            parser.error(f"{module} is not a rule module here; known: {', '.join(MODULES)}")
    all_mutants = {m: mutants_of(m) for m in modules}
    if args.operators:
        all_mutants = {m: [x for x in ms if x.operator in args.operators] for m, ms in all_mutants.items()}
    if args.list:
        for module, mutants in all_mutants.items():
            print(f"# {module}: {len(mutants)} mutants; tests first: {' '.join(MODULES[module])}")
            for m in mutants:
                print(f"{m.index:4} {m.describe()}")
        return 0
    equivalents = load_equivalents()
    for mutants in all_mutants.values():
        for m in mutants:
            if m.key() in equivalents:
                m.status, m.reason = "equivalent", equivalents[m.key()]
    used = {m.key() for ms in all_mutants.values() for m in ms if m.status == "equivalent"}
    for key in equivalents:
        if key[0] in all_mutants and key not in used:
            print(f"note: {EQUIVALENTS.name} lists a mutant that no longer exists: {key}")
    if args.again:
        _keep_earlier_kills(all_mutants, args.again)
    return _run(all_mutants, args.workers, args.survivors_dir)


def _keep_earlier_kills(all_mutants: dict[str, list[Mutant]], progress: Path) -> None:
    """Mark killed what `progress` (an earlier run's var/mutation/progress.jsonl) shows killed, so that only
    the others run again: after new tests, whose kills add to the earlier ones, of an unchanged module."""
    earlier: dict[str, dict[tuple, dict]] = {}
    for line in progress.read_text().splitlines():
        row = json.loads(line)
        fields = ("module", "where", "operator", "original", "mutated", "occurrence")
        key = tuple(row[f] for f in fields)
        earlier.setdefault(row["module"], {})[key] = row
    for module, mutants in all_mutants.items():
        rows = earlier.get(module)
        if rows is None:
            continue  # not in the earlier run: every mutant runs
        now = {m.key() for m in mutants if m.status != "equivalent"}
        if not set(rows) <= {m.key() for m in mutants}:  # those not run then (no test reached) run now
            raise SystemExit(f"{module} changed since {progress}: run all of its mutants")
        kept = 0
        for m in mutants:
            row = rows.get(m.key())
            died = row is not None and row["status"] in ("killed", "timeout", "error")
            if died and m.status != "equivalent":
                m.status, m.killed_by = row["status"], f"{row['killed_by']} (earlier run)"
                kept += 1
        print(f"{module}: {kept} mutants killed in the earlier run, {len(now) - kept} run again")


def _run(all_mutants: dict[str, list[Mutant]], workers: int, survivors_dir: Path | None) -> int:
    started = time.monotonic()
    # In memory when the machine has a tmpfs: every mutant copies a database and writes a module there.
    shm = Path("/dev/shm")  # noqa: S108 (a private directory made by mkdtemp inside it)
    base = Path(tempfile.mkdtemp(prefix="mutation-", dir=shm if os.access(shm, os.W_OK) else None))
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"machine: {_machine()}")
    pool: list[Worker] = []
    try:
        template = base / "template.sqlite3"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"sqlite:///{template}",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        pool = [Worker(i, base, template) for i in range(max(1, workers))]
        free: queue.Queue[Worker] = queue.Queue()
        for w in pool:
            free.put(w)

        def on_worker(job: dict) -> dict:
            worker = free.get()
            try:
                return worker.run(job)
            finally:
                free.put(worker)

        # The baseline: the whole suite once, unmutated and traced, split over the workers: which tests
        # run which lines of the rule modules, and that they pass.
        files = suite_files()
        chunks = [files[i :: len(pool)] for i in range(len(pool))]
        answers: list[dict] = []

        def baseline(chunk: list[str]) -> None:
            job = {
                "module": None,
                "source": None,
                "tests": chunk,
                "trace": list(all_mutants),
                "timeout": 7200,
            }
            answers.append(on_worker(job))

        _together([threading.Thread(target=baseline, args=(c,), daemon=True) for c in chunks if c])
        failed = [t for a in answers for t in a.get("failed", [])]
        ran = sum(len(a.get("order", [])) for a in answers)
        print(
            f"baseline: {ran} tests of the suite in {time.monotonic() - started:.0f} s"
            + (f"; {len(failed)} FAIL unmutated and are left out: {', '.join(failed)}" if failed else ""),
            flush=True,
        )
        if any(a["exit"] not in (0, 1) for a in answers) or not ran:
            for a in answers:
                print(a.get("log", ""))
            raise RuntimeError("the unmutated test suite does not run")
        baselines = _baselines(list(all_mutants), answers)
        for module, b in baselines.items():
            print(f"  {module}: {len(b.tests)} tests run its code")

        jobs: queue.Queue[Mutant | None] = queue.Queue()
        remaining = dict.fromkeys(all_mutants, 0)
        module_started = {m: time.monotonic() for m in all_mutants}
        for module, mutants in all_mutants.items():
            for m in mutants:
                if m.status != "pending":  # equivalent, or killed in an earlier run (--again)
                    continue
                tests = plan(m, baselines[module])
                m.tests = len(tests)
                if not tests:
                    m.status = "uncovered"
                    continue
                remaining[module] += 1
                jobs.put(m)
        lock = threading.Lock()
        progress = RESULTS / "progress.jsonl"  # each mutant's outcome as it comes (tail -f)
        progress.write_text(  # the kills kept from an earlier run (--again) first, so it can be read again
            "".join(
                json.dumps({k: v for k, v in asdict(m).items() if k != "source"}, ensure_ascii=False) + "\n"
                for ms in all_mutants.values()
                for m in ms
                if m.status in ("killed", "timeout", "error")
            )
        )
        reports: dict[str, dict] = {}

        def finish(module: str) -> None:
            mutants = all_mutants[module]
            report = _module_report(module, mutants, time.monotonic() - module_started[module])
            reports[module] = report
            survivors = [m for m in mutants if m.status in ("survived", "uncovered")]
            print(
                f"\n== {module}: {report['score']:.1f} % — {report['mutants']} mutants, "
                f"{report['killed']} killed, {report['equivalent']} equivalent, "
                f"{report['survived']} survived ({report['seconds']:.0f} s)"
            )
            for m in survivors:
                print("  survived: " + _survivor_line(m))
            print(flush=True)
            if survivors_dir is not None:
                survivors_dir.mkdir(parents=True, exist_ok=True)
                name = module.removesuffix(".py").replace("/", "_") + ".txt"
                stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
                header = (
                    f"# {module}: {len(survivors)} surviving mutants of {report['mutants']} "
                    f"(score {report['score']:.1f} %), {stamp}\n"
                    "# file:line: original  →  mutated  [operator, in function]\n"
                )
                (survivors_dir / name).write_text(
                    header + "".join(_survivor_line(m) + "\n" for m in survivors)
                )

        for module in all_mutants:
            if remaining[module] == 0:
                finish(module)

        def run_jobs() -> None:
            while True:
                m = jobs.get()
                if m is None:
                    return
                answer = _run_mutant(m, plan(m, baselines[m.module]), baselines[m.module], on_worker)
                code = answer["exit"]
                m.seconds = answer["seconds"]
                if code == 0:
                    m.status = "survived"
                elif code == "timeout":
                    m.status, m.killed_by = "timeout", "timeout"
                elif code == 1:
                    m.status, m.killed_by = "killed", answer.get("first_failure", "")
                elif code in (2, 3, 4):
                    m.status, m.killed_by = "error", answer.get("first_failure") or f"exit {code}"
                else:
                    m.status, m.killed_by = "broken", f"exit {code}"
                with lock:
                    mark = {"survived": "S", "killed": ".", "timeout": "T", "error": "E"}.get(m.status, "?")
                    print(mark, end="", flush=True)
                    with progress.open("a") as out:
                        fields = {k: v for k, v in asdict(m).items() if k != "source"}
                        out.write(json.dumps(fields, ensure_ascii=False) + "\n")
                    remaining[m.module] -= 1
                    if remaining[m.module] == 0:
                        finish(m.module)

        for _ in pool:
            jobs.put(None)
        _together([threading.Thread(target=run_jobs, daemon=True) for _ in pool])
        total = time.monotonic() - started
        _summary(all_mutants, reports, total)
        return 0
    finally:
        for w in pool:
            w.stop()
        shutil.rmtree(base, ignore_errors=True)


def _run_mutant(mutant: Mutant, tests: list[str], baseline: Baseline, on_worker) -> dict:
    """Run `tests` against `mutant` in two stages: the tests of the files listed for its module first, and
    only if they all pass the others. Pytest imports every file it is given before running one test, so
    a mutant the specific tests kill does not pay for collecting hundreds of files it never needs."""
    listed = set(MODULES[mutant.module])
    first = [t for t in tests if t.split("::")[0] in listed]
    stages = [part for part in (first, [t for t in tests if t.split("::")[0] not in listed]) if part]
    answer: dict = {"exit": 0, "seconds": 0.0}
    seconds = 0.0
    for part in stages:
        budget = sum(baseline.durations[t] for t in part)
        job = {"module": mutant.module, "source": mutant.source, "tests": part, "trace": []}
        try:
            answer = on_worker({**job, "timeout": 60 + 4 * budget})
        except Exception as error:  # a dead worker: reported, never counted as a kill
            answer = {"exit": f"harness: {error}", "seconds": 0.0}
        seconds += answer.get("seconds", 0.0)
        if answer["exit"] != 0:
            break
    return {**answer, "seconds": seconds}


def _together(threads: list[threading.Thread]) -> None:
    """Start the threads and wait for them, Ctrl-C still stopping the run (a bare join would not)."""
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(0.5)


def _summary(all_mutants: dict[str, list[Mutant]], reports: dict[str, dict], total: float) -> None:
    print("\nmodule                        mutants  killed  equivalent  survived   score")
    for module in all_mutants:
        r = reports.get(module)
        if r is None:
            print(f"{module:<30} not finished")
            continue
        print(
            f"{module:<30}{r['mutants']:>7}{r['killed']:>8}{r['equivalent']:>12}{r['survived']:>10}"
            f"{r['score']:>7.1f} %"
        )
    print(f"\n{total / 60:.1f} minutes; machine: {_machine()}")
    broken = [m for ms in all_mutants.values() for m in ms if m.status == "broken"]
    for m in broken:
        print(f"harness problem (not counted as killed): {m.describe()}: {m.killed_by}")
    output = RESULTS / "latest.json"
    output.write_text(
        json.dumps(
            {
                "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "minutes": round(total / 60, 1),
                "machine": _machine(),
                "modules": list(reports.values()),
                "mutants": [
                    {k: v for k, v in asdict(m).items() if k != "source"}
                    for ms in all_mutants.values()
                    for m in ms
                ],
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    print(f"every mutant and its outcome: {output.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
