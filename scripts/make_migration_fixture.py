"""Make tests/migrating/fixtures/pre_split_demo.json: the demo database as the schema before the split.

Issue 12 moves employers and people to `people/` and the calendar to `workdays/`, keeping their tables, and
demands a test that a demo database from before the split migrates without losing anything
(tests/migrating/test_split_migration.py). This script makes that database once, on the old code, and
writes it down:

- `targets`: the leaf migration of every app, as django_migrations recorded them;
- `tables`: every table's columns and rows (all of them, django_migrations aside), each value written in a
  form both SQLite and PostgreSQL can take back (`canonical`), the ciphertexts and hashes as stored;
- `models`: each model's label and table, so the test can follow a model to its new app by its table;
- `keys`: checks that the test runs with the keys the data was encrypted, indexed and chained with.

It MUST run on the code before the split: commit 6957cb1 (or a commit with the same models and migrations,
such as the branch that added this script). From a checkout after the split:

    git worktree add /tmp/pre-split 6957cb1
    .venv/bin/python scripts/make_migration_fixture.py --source /tmp/pre-split

`--source` runs the generation with that tree's code (this file is all it needs from here) and writes the
fixture into this tree. The script refuses to run where `people` or `workdays` is an installed app.

The data: a fresh SQLite database, `migrate`, `seed_demo`, then a few rows the demo does not make in the
tables that move (an employer rename, a calendar change, a full-ID view and an admin log entry on a person,
a direct permission on a moved model), each through the code that writes it in the running system.
Settings are config.settings.test with the published development keys (REGISTRY_FIELD_ENCRYPTION_KEYS,
REGISTRY_BLIND_INDEX_KEY and REGISTRY_AUDIT_CHAIN_KEYS are unset here), the keys the test suite runs with.
Uploaded files and PDFs are not in the database and are not kept.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import decimal
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = HERE / "tests" / "migrating" / "fixtures" / "pre_split_demo.json"
FORMAT = 1
KEY_CHECK = "migration-fixture key check"
# Apps that exist only after the split: their presence means this is not the old schema.
SPLIT_APPS = ("people", "workdays")

# --- values: one form for both databases --------------------------------------------------------------

_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_TEXT_TYPES = {"CharField", "TextField", "EmailField", "SlugField", "URLField", "FileField", "FilePathField"}
_TAGS = {
    "BooleanField": "bool",
    "DateField": "date",
    "DateTimeField": "datetime",
    "TimeField": "time",
    "JSONField": "json",
    "UUIDField": "uuid",
    "GenericIPAddressField": "inet",
    "IPAddressField": "inet",
    "BinaryField": "bytes",
    "FloatField": "float",
}


def column_tag(field: Any) -> str:
    """How a column's values are written down: from the Django field that made the column."""
    if field.is_relation:
        return column_tag(field.target_field)
    internal = field.get_internal_type()
    if internal in _INTEGER_TYPES:
        return "int"
    if internal in _TEXT_TYPES:
        return "text"
    if internal == "DecimalField":
        return f"decimal:{field.decimal_places}"
    if internal in _TAGS:
        return _TAGS[internal]
    raise ValueError(f"{field.model._meta.label}.{field.name}: no fixture form for {internal}")


def canonical(value: Any, tag: str) -> Any:
    """A value as read from either database (SQLite's text and integers, PostgreSQL's typed values),
    in one JSON form: equal stored values give equal forms on both."""
    if value is None:
        return None
    if tag == "bool":
        return bool(value)
    if tag == "int":
        return int(value)
    if tag == "float":
        return float(value)
    if tag == "text":
        return str(value)
    if tag == "date":
        return value if isinstance(value, str) else value.isoformat()
    if tag == "time":
        return value if isinstance(value, str) else value.isoformat()
    if tag == "datetime":
        if isinstance(value, str):  # SQLite: naive UTC text
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if tag.startswith("decimal:"):
        places = int(tag.partition(":")[2])
        return str(decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-places)))
    if tag == "json":
        return json.loads(value) if isinstance(value, str | bytes) else value
    if tag == "uuid":
        return str(uuid.UUID(str(value)))
    if tag == "inet":
        return str(value)
    if tag == "bytes":
        return base64.b64encode(bytes(value)).decode()
    raise ValueError(f"unknown tag {tag}")


def db_param(value: Any, tag: str, connection: Any) -> Any:
    """The parameter that stores a canonical value in a column of this kind on this connection's database
    (typed, so that PostgreSQL takes booleans, dates, instants, decimals and JSON without casts)."""
    if value is None:
        return None
    ops = connection.ops
    if tag == "bool":
        return bool(value)
    if tag == "date":
        return ops.adapt_datefield_value(dt.date.fromisoformat(value))
    if tag == "time":
        return ops.adapt_timefield_value(dt.time.fromisoformat(value))
    if tag == "datetime":
        return ops.adapt_datetimefield_value(dt.datetime.fromisoformat(value))
    if tag.startswith("decimal:"):
        return ops.adapt_decimalfield_value(decimal.Decimal(value))
    if tag == "json":
        return ops.adapt_json_value(value, None)
    if tag == "uuid":
        number = uuid.UUID(value)
        return number if connection.features.has_native_uuid_field else number.hex
    if tag == "inet":
        return ops.adapt_ipaddressfield_value(value)
    if tag == "bytes":
        return base64.b64decode(value)
    return value


def read_table(connection: Any, table: str, columns: list[str], tags: list[str], pk: str) -> list[list]:
    """Every row of `table` in pk order, each value in its canonical form."""
    quote = connection.ops.quote_name
    sql = f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} ORDER BY {quote(pk)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return [[canonical(v, tag) for v, tag in zip(row, tags, strict=True)] for row in rows]


# --- keys -----------------------------------------------------------------------------------------------


def key_checks() -> dict[str, Any]:
    """What the configured keys make of a known value (the field key's token decrypts only with it)."""
    from audit.chain import GENESIS, chain_keys, row_hash
    from pii import crypto

    return {
        "field_token": crypto.encrypt(KEY_CHECK),
        "blind_index": crypto.blind_index(KEY_CHECK, purpose="migration-fixture"),
        "audit_chain": {
            key_id: row_hash(key_id=key_id, prev_hash=GENESIS, content={"check": KEY_CHECK})
            for key_id in chain_keys()
        },
    }


def key_problems(expected: dict[str, Any]) -> list[str]:
    """Why the configured keys are not the fixture's, as sentences (empty when they are)."""
    from audit.chain import GENESIS, chain_keys, row_hash
    from pii import crypto

    problems = []
    try:
        if crypto.decrypt(expected["field_token"]) != KEY_CHECK:
            problems.append("REGISTRY_FIELD_ENCRYPTION_KEYS decrypt the check token to something else")
    except crypto.DecryptionFailed:
        problems.append("REGISTRY_FIELD_ENCRYPTION_KEYS cannot decrypt the fixture's values")
    if crypto.blind_index(KEY_CHECK, purpose="migration-fixture") != expected["blind_index"]:
        problems.append("REGISTRY_BLIND_INDEX_KEY is not the key the fixture's digests were made with")
    keys = chain_keys()
    for key_id, digest in expected["audit_chain"].items():
        if key_id not in keys or row_hash(key_id=key_id, prev_hash=GENESIS, content={"check": KEY_CHECK}) != (
            digest
        ):
            problems.append(f"REGISTRY_AUDIT_CHAIN_KEYS has not the fixture's key {key_id!r}")
    return problems


# --- making the fixture (on the old code) ----------------------------------------------------------------


def _extra_rows() -> None:
    """Rows the demo leaves out of the moving tables, written the way the running system writes them."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import User
    from accounts.services import user_set_roles
    from audit.models import Action
    from audit.services import audit_log
    from registry.models import CalendarDay, Employer, EmployerNameChange, Person
    from registry.services.calendar import calendar_day_set

    admin = User.objects.get(username="admin")
    clerk = User.objects.get(username="xiehui")
    # A Saturday made a working day by hand: a CalendarChange and its CALENDAR_CHANGED audit event.
    calendar_day_set(
        day=dt.date(2026, 12, 12), kind=CalendarDay.Kind.WORKING_DAY, note="演示：补班", by=clerk
    )
    # An employer rename as the admin inline records it today, with the audit event the change writes.
    employer = Employer.objects.order_by("pk")[0]
    EmployerNameChange.objects.create(
        employer=employer, old_name="哈尔滨北方仪表厂", new_name=employer.name, changed_on=dt.date(2024, 6, 1)
    )
    audit_log(action=Action.RECORD_CHANGED, actor=clerk, target=employer, detail={"fields": ["name_changes"]})
    # A full resident ID viewed (an audit event on a person) and an admin log entry naming the person by
    # content type: both must still lead to the person after the move.
    person = Person.objects.order_by("pk")[0]
    audit_log(action=Action.FULL_ID_VIEWED, actor=clerk, target=person)
    LogEntry.objects.create(
        user=clerk,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Email"]}}]),
    )
    # A permission on a moved model given to a user directly (not through a role).
    bureau = User.objects.get(username="shiju")
    user_set_roles(
        user=bureau,
        by=admin,
        roles=bureau.role_names,
        is_superuser=False,
        permissions=[Permission.objects.get(content_type__app_label="registry", codename="view_calendarday")],
    )


def snapshot(connection: Any) -> dict[str, Any]:
    """The fixture's content, read from the migrated and seeded database behind `connection`."""
    import django
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    leaves = sorted(loader.graph.leaf_nodes())
    unapplied = [leaf for leaf in leaves if leaf not in loader.applied_migrations]
    if unapplied:
        raise RuntimeError(f"migrations not applied: {unapplied}")
    by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    tables: dict[str, Any] = {}
    for table in sorted(connection.introspection.table_names(include_views=False)):
        if table == "django_migrations":
            continue
        model = by_table.get(table)
        if model is None:
            raise RuntimeError(f"table {table} belongs to no installed model")
        fields = list(model._meta.concrete_fields)
        columns = [str(f.column) for f in fields]
        tags = [column_tag(f) for f in fields]
        pk = str(model._meta.pk.column)
        tables[table] = {
            "pk": pk,
            "columns": columns,
            "tags": tags,
            "rows": read_table(connection, table, columns, tags, pk),
        }
    return {
        "format": FORMAT,
        "django": django.get_version(),
        "targets": [list(leaf) for leaf in leaves],
        "models": {m._meta.label_lower: m._meta.db_table for m in apps.get_models()},
        "keys": key_checks(),
        "tables": tables,
    }


def dumps(content: dict[str, Any]) -> str:
    """JSON with one table row a line: small, and a regenerated fixture diffs row by row."""

    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = ["{"]
    lines += [f" {one(key)}: {one(value)}," for key, value in content.items() if key != "tables"]
    lines.append(' "tables": {')
    tables = list(content["tables"].items())
    for i, (table, data) in enumerate(tables):
        head = {key: value for key, value in data.items() if key != "rows"}
        lines.append(f'  {one(table)}: {one(head)[:-1]},"rows": [')
        lines += [f"   {one(row)}," for row in data["rows"]]
        if data["rows"]:
            lines[-1] = lines[-1][:-1]
        lines.append("  ]}" + ("," if i < len(tables) - 1 else ""))
    lines += [" }", "}", ""]
    return "\n".join(lines)


def _generate(output: Path) -> None:
    """In a process whose settings point at a fresh database: migrate, seed, add, snapshot, write."""
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    installed = [name for name in SPLIT_APPS if apps.is_installed(name)]
    if installed:
        raise SystemExit(
            f"{', '.join(installed)} is installed: this is the code after the split. Run with --source "
            "pointing at a checkout of 6957cb1."
        )
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", force=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    _extra_rows()
    content = snapshot(connection)
    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    content["commit"] = git.stdout.strip() or "unknown (not a git checkout)"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(dumps(content), encoding="utf-8")
    rows = sum(len(t["rows"]) for t in content["tables"].values())
    print(f"{output}: {len(content['tables'])} tables, {rows} rows, {output.stat().st_size} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=HERE, help="checkout of the code before the split")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.here:
        _generate(args.output)
        return
    source = args.source.resolve()
    with tempfile.TemporaryDirectory(prefix="migration-fixture-") as tmp:
        env = {
            key: value
            for key, value in os.environ.items()
            if key
            not in {
                "REGISTRY_FIELD_ENCRYPTION_KEYS",
                "REGISTRY_BLIND_INDEX_KEY",
                "REGISTRY_AUDIT_CHAIN_KEYS",
                "CELERY_BROKER_URL",
            }
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            DATABASE_URL=f"sqlite:///{tmp}/demo.sqlite3",
            PRIVATE_STORAGE_ROOT=f"{tmp}/files",
            PYTHONPATH=str(source),
        )
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--here",
            "--output",
            str(args.output.resolve()),
        ]
        subprocess.run(command, cwd=source, env=env, check=True)  # noqa: S603


if __name__ == "__main__":
    main()
