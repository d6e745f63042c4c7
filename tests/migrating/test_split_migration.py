"""Issue 12, "done when": migrating a demo database from before the split loses nothing.

The fixture (tests/migrating/fixtures/pre_split_demo.json, made by scripts/make_migration_fixture.py on
commit 6957cb1) holds every row of the demo database as the old migrations left it. The test rebuilds that
database on whatever database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL):

1. drop every table and apply the project's migrations only up to the fixture's targets (the old schema,
   made by the old migrations, as an installation from before the split has it);
2. empty the tables the old data migrations filled and insert the fixture's rows with plain SQL;
3. run `migrate`, as an operator upgrading would (post_migrate signals included: content types,
   permissions, the role groups).

Then nothing may be lost: every table still has exactly its rows with the same values (a content type of a
model that moved names the model's new app under the same id: the row follows the model by its table);
the current code's models read every row, decrypt every resident ID and phone number and find each person
by the blind index; the audit chains verify; audit events and admin log entries still lead to their
records. Every problem found is listed, not only the first.

Before the split the plan of step 3 is empty, and the test proves the rebuilding and the comparison are
sound; after the split it proves the state-only migrations. Every migration added after the fixture runs
forward here on real data. The test is transactional: the database is left migrated and then flushed, like
the other transactional tests.

The test builds the old schema by hand (a dozen lines with Django's MigrationExecutor) rather than with
django-test-migrations, whose `migrator` does the same: step 3 must be the operator's `migrate` with its
signals, which that library mutes, and the suite does not need another pytest plugin for one test.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from pii.fields import BlindIndexField, EncryptedCharField
from scripts.make_migration_fixture import db_param, key_problems, read_table

FIXTURE = Path(__file__).parent / "fixtures" / "pre_split_demo.json"
# Where each model of the split may live: the new app first, so the test holds before and after the split.
HOMES = {
    "Person": ("people", "registry"),
    "Employer": ("people", "registry"),
    "EmployerNameChange": ("people", "registry"),
    "QualificationCertificate": ("people", "registry"),
    "CalendarDay": ("workdays", "registry"),
    "CalendarYear": ("workdays", "registry"),
    "CalendarChange": ("workdays", "registry"),
}

# Tables later migrations may add rows to (a new model's content type, permissions and its role grants; a
# seeded catalogue entry such as JJF 1022's special-field categories, exams 0007): rows added there are no
# loss, rows lost or changed still are.
ADDITIONS_ALLOWED = {
    "django_content_type",
    "auth_permission",
    "auth_group_permissions",
    "exams_metrologycategory",
}

pytestmark = pytest.mark.django_db(transaction=True)


def model_now(name: str):
    """The model called `name` in whichever app holds it now."""
    for app_label in HOMES[name]:
        try:
            return apps.get_model(app_label, name)
        except LookupError:
            continue
    raise LookupError(name)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _all_tables() -> list[str]:
    return connection.introspection.table_names(include_views=False)


def rebuild_old_schema(targets: list[tuple[str, str]]) -> None:
    """Drop every table, then apply the migrations up to `targets` only: the schema the old code made."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            connection.disable_constraint_checking()
            try:
                for table in _all_tables():
                    cursor.execute(f"DROP TABLE {_quote(table)}")
            finally:
                connection.enable_constraint_checking()
        else:
            for table in _all_tables():
                cursor.execute(f"DROP TABLE IF EXISTS {_quote(table)} CASCADE")
    executor = MigrationExecutor(connection)
    unknown = [target for target in targets if target not in executor.loader.graph.nodes]
    assert not unknown, f"the fixture's migrations are no longer in the project: {unknown}"
    plan = executor.migration_plan(targets, clean_start=True)
    executor.migrate(targets, plan=plan)


def load_rows(fixture: dict[str, Any]) -> None:
    """Replace every table's content with the fixture's rows, with plain SQL and typed parameters."""
    tables = fixture["tables"]
    missing = sorted(set(tables) - set(_all_tables()))
    assert not missing, f"the old migrations did not make the tables {missing}"
    filled = [t for t in _all_tables() if t != "django_migrations"]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), filled, allow_cascade=True))
    with transaction.atomic(), connection.cursor() as cursor:
        for table, data in tables.items():
            if not data["rows"]:
                continue
            columns = ", ".join(_quote(c) for c in data["columns"])
            marks = ", ".join(["%s"] * len(data["columns"]))
            params = [
                [db_param(value, tag, connection) for value, tag in zip(row, data["tags"], strict=True)]
                for row in data["rows"]
            ]
            cursor.executemany(f"INSERT INTO {_quote(table)} ({columns}) VALUES ({marks})", params)  # noqa: S608
        if connection.vendor == "postgresql":
            # Later inserts (post_migrate's content types and permissions among them) continue after the
            # fixture's ids, as they would in the database the rows came from.
            for table, data in tables.items():
                pk = _quote(data["pk"])
                if data["tags"][data["columns"].index(data["pk"])] == "int":
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({pk}), 1), "  # noqa: S608
                        f"MAX({pk}) IS NOT NULL) FROM {_quote(table)}",
                        [table, data["pk"]],
                    )


def expected_rows(fixture: dict[str, Any], table: str, *, migrated: bool) -> list[list]:
    """The fixture's rows as they must read; after the migration a content type names its model's app now."""
    data = fixture["tables"][table]
    if table != "django_content_type" or not migrated:
        return data["rows"]
    now_by_table = {m._meta.db_table: m for m in apps.get_models()}
    label, model = data["columns"].index("app_label"), data["columns"].index("model")
    rows = []
    for row in data["rows"]:
        was = fixture["models"].get(f"{row[label]}.{row[model]}")
        moved = now_by_table.get(was) if was else None
        row = list(row)
        if moved is not None:
            row[label], row[model] = moved._meta.app_label, moved._meta.model_name
        rows.append(row)
    return rows


def table_problems(fixture: dict[str, Any], table: str, *, migrated: bool = True) -> list[str]:
    data = fixture["tables"][table]
    if table not in _all_tables():
        return [f"{table}: the table is gone ({len(data['rows'])} rows)"]
    with connection.cursor() as cursor:
        present = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    lost_columns = [c for c in data["columns"] if c not in present]
    if lost_columns:
        return [f"{table}: columns {lost_columns} are gone"]
    now = read_table(connection, table, data["columns"], data["tags"], data["pk"])
    want = expected_rows(fixture, table, migrated=migrated)
    if now == want:
        return []
    pk = data["columns"].index(data["pk"])
    now_by_pk, want_by_pk = {r[pk]: r for r in now}, {r[pk]: r for r in want}
    additions_allowed = migrated and table in ADDITIONS_ALLOWED
    problems = []
    if len(now) != len(want) and not (additions_allowed and len(now) > len(want)):
        problems.append(f"{table}: {len(want)} rows expected, {len(now)} found")
    lost = sorted(set(want_by_pk) - set(now_by_pk))
    added = [] if additions_allowed else sorted(set(now_by_pk) - set(want_by_pk))
    if lost:
        problems.append(f"{table}: rows lost, pk {lost[:10]}")
    if added:
        problems.append(f"{table}: rows added, pk {added[:10]}")
    for key in sorted(set(now_by_pk) & set(want_by_pk)):
        if now_by_pk[key] != want_by_pk[key]:
            changed = [
                f"{column}: {old!r} -> {new!r}"
                for column, old, new in zip(data["columns"], want_by_pk[key], now_by_pk[key], strict=True)
                if old != new
            ]
            problems.append(f"{table} pk {key}: {'; '.join(changed)}")
            if len(problems) > 20:
                break
    return problems


def orm_problems(fixture: dict[str, Any]) -> list[str]:
    """The current models read every row; encrypted values decrypt and blind indexes match them."""
    problems = []
    for name in HOMES:
        model = model_now(name)
        table = fixture["tables"].get(model._meta.db_table)
        if table is None:
            problems.append(
                f"{model._meta.label} uses the table {model._meta.db_table}, unknown to the fixture"
            )
            continue
        pks = [row[table["columns"].index(table["pk"])] for row in table["rows"]]
        read = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        if read != pks:
            problems.append(
                f"{model._meta.label}: the ORM reads {len(read)} rows, the fixture has {len(pks)}"
            )
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        indexes = [f for f in fields if isinstance(f, BlindIndexField)]
        if not indexes and not any(isinstance(f, EncryptedCharField) for f in fields):
            continue
        for obj in model._base_manager.order_by("pk"):  # decrypts every encrypted field, or raises
            for index in indexes:
                if index.digest(getattr(obj, index.source)) != getattr(obj, index.attname):
                    problems.append(
                        f"{model._meta.label} {obj.pk}: {index.name} no longer fits {index.source}"
                    )
    Person = model_now("Person")
    for person in Person.objects.all():
        if list(Person.objects.with_id_number(person.id_number).values_list("pk", flat=True)) != [person.pk]:
            problems.append(f"person {person.pk}: not found by their resident ID number")
    return problems


def content_type_problems(fixture: dict[str, Any]) -> list[str]:
    """Each model's content type is the one it had, under the same id: permissions and generic links hold."""
    ContentType.objects.clear_cache()
    data = fixture["tables"]["django_content_type"]
    pk, app_label, model_name = (data["columns"].index(c) for c in ("id", "app_label", "model"))
    ids = {f"{row[app_label]}.{row[model_name]}": row[pk] for row in data["rows"]}
    now_by_table = {m._meta.db_table: m for m in apps.get_models()}
    problems = []
    for label, table in fixture["models"].items():
        model = now_by_table.get(table)
        if model is None or label not in ids:
            continue
        found = ContentType.objects.filter(app_label=model._meta.app_label, model=model._meta.model_name)
        if list(found.values_list("pk", flat=True)) != [ids[label]]:
            problems.append(f"{model._meta.label}: content type is not {label}'s (id {ids[label]})")
    for entry in LogEntry.objects.order_by("pk"):
        try:
            entry.get_edited_object()
        except Exception as error:  # any failure to follow the link is the finding
            problems.append(f"admin log entry {entry.pk}: its record is lost ({error!r})")
    return problems


def audit_problems(fixture: dict[str, Any]) -> list[str]:
    """The chains verify over every row, and each event's record type still names its model."""
    from audit.describe import target_model
    from audit.services import audit_chains_verify

    problems = []
    for check in audit_chains_verify():
        rows = len(fixture["tables"][check.table]["rows"]) if check.table in fixture["tables"] else None
        if check.broken is not None:
            problems.append(
                f"{check.table}: the chain breaks at row {check.broken.pk} ({check.broken.reason})"
            )
        elif rows is not None and check.count != rows:
            problems.append(f"{check.table}: the chain holds {check.count} rows, the fixture {rows}")
    events = fixture["tables"]["audit_auditevent"]
    column = events["columns"].index("target_type")
    for label, count in sorted(Counter(row[column] for row in events["rows"] if row[column]).items()):
        model = target_model(label)
        if model is None or model._meta.db_table != fixture["models"].get(label):
            problems.append(
                f"{count} audit events name record type {label!r}, which no longer leads to its model "
                f"(table {fixture['models'].get(label)})"
            )
    return problems


def test_demo_database_from_before_the_split_migrates_without_loss():
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    keys = key_problems(fixture["keys"])
    assert not keys, "run with config.settings.test's keys, or regenerate the fixture: " + "; ".join(keys)
    targets = [tuple(target) for target in fixture["targets"]]
    migrated = False
    try:
        rebuild_old_schema(targets)
        load_rows(fixture)
        loaded = [p for table in fixture["tables"] for p in table_problems(fixture, table, migrated=False)]
        assert not loaded, "the fixture did not load as it is:\n" + "\n".join(loaded)
        call_command("migrate", interactive=False, verbosity=0)
        migrated = True
    finally:
        if not migrated:
            call_command("migrate", interactive=False, verbosity=0)  # the next tests need the whole schema
    problems = [p for table in fixture["tables"] for p in table_problems(fixture, table)]
    problems += content_type_problems(fixture)
    problems += orm_problems(fixture)
    problems += audit_problems(fixture)
    assert not problems, "the migration lost or changed data:\n" + "\n".join(problems)
