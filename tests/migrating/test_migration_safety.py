"""Migrations a running registry can take without stopping (docs/upgrading.md), checked mechanically.

A release is upgraded while the previous release's code still serves (web, workers): its migrations must
leave the database usable by that code, and must not lock a table of a million rows for the length of a
scan. What can be decided from the operations alone is checked here for every migration written after this
rule (those before it are listed in GRANDFATHERED, and the checker must still find their known faults):

1. an index on a large table is built with common.migration_ops.AddIndexConcurrently (PostgreSQL's
   CREATE INDEX CONCURRENTLY); AddIndex, a unique constraint, or a field gaining `db_index`/`unique` takes
   a SHARE lock: every write to the table waits for the whole build;
2. a column added to an existing table is nullable or has a database default (`db_default`): Django drops
   a plain `default` after adding the column, so the previous release's INSERTs, which do not name it,
   would fail on NOT NULL;
3. a column of a large table does not change its database type or become NOT NULL in place: ALTER TYPE
   rewrites the table and SET NOT NULL scans it, both under an ACCESS EXCLUSIVE lock (no reads either).

Not checkable here, and stated in docs/upgrading.md: data migrations (RunPython/RunSQL) over a large table,
and removing or renaming what the previous release still reads (two releases: stop using, then drop).
"""

from __future__ import annotations

import pytest
from django.db import connection, models
from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader

from common.migration_ops import AddIndexConcurrently

PROJECT_APPS = {
    "accounts", "audit", "exams", "people", "registry", "reports", "supervision", "training", "workdays",
}  # fmt: skip
# (app label, model name) of the tables that reach a million rows at national scale (docs/performance.md).
LARGE = {
    ("registry", "application"),
    ("registry", "auditentry"),
    ("registry", "registrationcertificate"),
    ("registry", "material"),
    ("registry", "batch"),
    ("people", "person"),
    ("registry", "person"),  # before the split (registry 0015)
    ("registry", "qualificationcertificate"),
    ("people", "qualificationcertificate"),
    ("audit", "auditevent"),
    ("training", "participation"),
}
# Written before the rule (2026-11-27); each was applied while the registry had no national data.
GRANDFATHERED = {
    ("accounts", n) for n in (
        "0001_initial", "0002_initial", "0003_roles", "0004_user_phone_encrypted",
        "0005_encrypt_existing_phones", "0006_user_employer_in_people",
    )
} | {
    ("audit", n) for n in (
        "0001_initial", "0002_archive_action_and_account_index", "0003_employer_renamed_action",
        "0004_training_actions", "0005_supervision_actions", "0006_report_actions",
    )
} | {
    ("exams", n) for n in (
        "0001_initial", "0002_seed_categories", "0003_sessions_results_certificates",
        "0004_seed_starter_projects", "0005_free_text_validators", "0006_person_in_people",
        "0007_seed_special_field_categories",
    )
} | {("people", "0001_initial"), ("people", "0002_employer_refusal")} | {
    ("registry", n) for n in (
        "0001_initial", "0002_working_day_calendar", "0003_seed_calendar_from_chinese_calendar",
        "0004_notificationlog", "0005_applications_certificates_materials",
        "0006_certificate_pdf_and_verification_token", "0007_queue_urgency_index",
        "0008_person_name_prefix_index", "0009_audit_chain", "0010_notification_outbox",
        "0011_person_encrypted_id_and_phone", "0012_encrypt_existing_people", "0013_person_id_digest_unique",
        "0014_free_text_and_upload_validators", "0015_people_and_workdays_moved_out",
        "0016_protected_state_fields", "0018_truthfulness_undertaking_and_project_copies",
        "0019_change_of_employer_and_lapse", "0020_certificate_employer_name", "0021_decision_documents",
        "0022_training_shortfall_override", "0023_certificate_suspended",
    )
} | {("reports", "0001_initial"), ("supervision", "0001_initial")} | {
    ("supervision", "0002_visits_feedback"), ("training", "0001_initial"),
    ("training", "0002_shortfall_reminders"), ("workdays", "0001_initial"),
}  # fmt: skip


def _database_operations(operations):
    for operation in operations:
        if isinstance(operation, ops.SeparateDatabaseAndState):
            yield from _database_operations(operation.database_operations)
        else:
            yield operation


def _indexed(field: models.Field) -> bool:
    return bool(field.db_index or field.unique) and not field.primary_key


def _column_type(field: models.Field) -> str | None:
    if field.is_relation:
        return None  # a foreign key's column follows its target's type
    return field.db_type(connection)


def _rewrites(old: str | None, new: str | None) -> bool:
    """Whether PostgreSQL rewrites the table to change a column from type `old` to `new` (varchar to text
    and a longer varchar are binary-compatible: no rewrite)."""
    if old == new or old is None or new is None:
        return False
    if old.startswith("varchar") and (new == "text" or new.startswith("varchar")):
        return new != "text" and int(new[8:-1]) < int(old[8:-1])
    return True


def problems(loader: MigrationLoader, key: tuple[str, str], migration=None) -> list[str]:
    """What in migration `key` (or `migration` standing in its place) a running previous release could not
    live with (rules 1–3 above)."""
    migration = migration or loader.disk_migrations[key]
    app = key[0]
    created = set()
    found = []
    before = None
    for operation in _database_operations(migration.operations):
        if isinstance(operation, ops.CreateModel):
            created.add(operation.name_lower)
            continue
        model = getattr(operation, "model_name_lower", None)
        if model is None or model in created:
            continue
        large = (app, model) in LARGE
        where = f"{app}.{model}"
        if isinstance(operation, ops.AddIndex) and not isinstance(operation, AddIndexConcurrently) and large:
            found.append(f"{where}: AddIndex {operation.index.name} locks writes; use AddIndexConcurrently")
        elif isinstance(operation, ops.AddConstraint) and large:
            found.append(f"{where}: AddConstraint {operation.constraint.name} builds under a lock")
        elif isinstance(operation, ops.AddField):
            field = operation.field
            if large and _indexed(field):
                found.append(f"{where}.{operation.name}: an indexed new column builds its index under a lock")
            has_column = not field.many_to_many
            if has_column and not field.null and field.db_default is models.NOT_PROVIDED:
                found.append(
                    f"{where}.{operation.name}: NOT NULL without db_default; old code's inserts fail"
                )
        elif isinstance(operation, ops.AlterField) and large:
            if before is None:
                before = loader.project_state(key, at_end=False)
            old = before.models[app, model].fields.get(operation.name)
            new = operation.field
            if old is None:
                continue
            if _rewrites(_column_type(old), _column_type(new)):
                found.append(
                    f"{where}.{operation.name}: type {_column_type(old)} → {_column_type(new)} rewrites"
                )
            if old.null and not new.null:
                found.append(
                    f"{where}.{operation.name}: SET NOT NULL scans the table under an exclusive lock"
                )
            if _indexed(new) and not _indexed(old):
                found.append(f"{where}.{operation.name}: a new index or unique builds under a lock")
    return found


@pytest.fixture(scope="module")
def loader():
    return MigrationLoader(None, ignore_no_migrations=True)


def test_new_migrations_keep_the_previous_release_working_and_large_tables_unlocked(loader):
    new = sorted(key for key in loader.disk_migrations if key[0] in PROJECT_APPS and key not in GRANDFATHERED)
    found = {key: problems(loader, key) for key in new}
    assert {key: p for key, p in found.items() if p} == {}, (
        "see docs/upgrading.md, 'Migrations that run while the old release serves'"
    )


def test_the_checker_finds_the_faults_of_the_migrations_before_the_rule(loader):
    """The grandfathered migrations hold each kind of fault: a checker that misses them is broken."""
    assert any(
        "AddIndex app_urgency_idx" in p for p in problems(loader, ("registry", "0007_queue_urgency_index"))
    )
    assert any("AddIndex" in p for p in problems(loader, ("registry", "0008_person_name_prefix_index")))
    chain = problems(loader, ("registry", "0009_audit_chain"))
    assert any("auditentry.hash: NOT NULL without db_default" in p for p in chain)
    assert any(
        "employer_name: NOT NULL" in p
        for p in problems(loader, ("registry", "0020_certificate_employer_name"))
    )
    assert any(
        "a new index or unique" in p for p in problems(loader, ("registry", "0013_person_id_digest_unique"))
    )
    # varchar(18) → text is binary-compatible on PostgreSQL: no rewrite, not reported.
    assert not any(
        "rewrites" in p for p in problems(loader, ("registry", "0011_person_encrypted_id_and_phone"))
    )
    assert problems(loader, ("registry", "0021_decision_documents")) == []  # a new table: nothing to lock


def test_every_migration_before_the_rule_still_exists(loader):
    """A renamed or squashed old migration must leave this list, not silently escape the rule."""
    assert {key for key in GRANDFATHERED if key not in loader.disk_migrations} == set()


def test_a_type_change_or_set_not_null_on_a_large_table_is_refused(loader):
    """Rule 3 on a migration standing in for registry 0023 (the state before it is the real one)."""
    from django.db import migrations

    class Changing(migrations.Migration):
        operations = [
            migrations.AlterField("application", "level", models.CharField(max_length=2, default="2")),
            migrations.AlterField("application", "received_on", models.DateField(null=False)),
            migrations.AlterField("application", "decision_reason", models.TextField(blank=True)),
        ]

    found = problems(loader, ("registry", "0023_certificate_suspended"), Changing("0023", "registry"))
    assert any(p.startswith("registry.application.level: type") and "rewrites" in p for p in found)
    assert any(p.startswith("registry.application.received_on: SET NOT NULL") for p in found)
    assert not any("decision_reason" in p for p in found)  # text to text: nothing rewritten
