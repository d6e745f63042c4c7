"""Retention: audit events past REGISTRY_AUDIT_RETENTION_DAYS (at least 180) are moved to a JSON Lines file
with their chain values and removed; what remains still verifies, and so does the file. Nothing within
the retention period, and nothing of a broken chain, is ever archived."""

import contextlib
import datetime as dt
import hashlib
import json

import pgtrigger
import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.chain import chain_verify
from audit.checks import check_audit_retention
from audit.models import Action, AuditEvent
from audit.retention import archive_verify, audit_archive
from audit.services import audit_log

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 10, tzinfo=UTC)  # retention 365 days: events before 2025-11-26 10:00 may go
OLD = dt.datetime(2025, 6, 1, 9, tzinfo=UTC)
YOUNG = dt.datetime(2026, 10, 1, 9, tzinfo=UTC)


def event_at(when: dt.datetime, n: int = 0) -> AuditEvent:
    with time_machine.travel(when, tick=False):
        return audit_log(action=Action.DOWNLOADED, actor_label=f"user{n}", detail={"n": n})


def archive(tmp_path, **kwargs):
    with time_machine.travel(NOW, tick=False):
        return audit_archive(directory=tmp_path, **kwargs)


def _tamper():
    if connection.vendor == "postgresql":
        return pgtrigger.ignore("audit.AuditEvent:auditevent_append_only")
    return contextlib.nullcontext()


def test_old_events_go_to_a_file_and_what_remains_still_verifies(tmp_path, capsys):
    old = [event_at(OLD + dt.timedelta(minutes=i), i) for i in range(3)]
    young = [event_at(YOUNG + dt.timedelta(minutes=i), 10 + i) for i in range(2)]

    result = archive(tmp_path)

    assert (result.count, result.first_id, result.last_id) == (3, old[0].pk, old[-1].pk)
    lines = [json.loads(line) for line in result.path.read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["hash"], line["prev_hash"]) for line in lines] == [
        (e.pk, e.hash, e.prev_hash) for e in old
    ]
    remaining = list(AuditEvent.objects.order_by("pk"))
    assert [e.pk for e in remaining[:2]] == [e.pk for e in young]
    assert remaining[0].prev_hash == result.last_hash == old[-1].hash
    marker = remaining[-1]
    assert (marker.action, marker.is_system, marker.actor) == (Action.AUDIT_ARCHIVED, True, None)
    assert marker.detail["count"] == 3
    assert marker.detail["sha256"] == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert marker.detail["last_hash"] == old[-1].hash
    assert chain_verify(AuditEvent) == (3, None)
    check = archive_verify(result.path)
    assert (check.count, check.broken, check.last_hash) == (3, None, old[-1].hash)

    call_command("audit_verify")
    call_command("audit_verify", "--archive", str(result.path))
    assert "3" in capsys.readouterr().out


def test_an_old_event_recorded_after_a_young_one_waits_for_the_next_run(tmp_path):
    first = event_at(OLD)
    event_at(YOUNG)
    late = event_at(OLD)  # an older clock, written later: archiving it would cut the chain in the middle

    result = archive(tmp_path)

    assert (result.first_id, result.last_id) == (first.pk, first.pk)
    assert AuditEvent.objects.filter(pk=late.pk).exists()
    assert chain_verify(AuditEvent)[1] is None


def test_a_date_within_the_retention_period_is_refused_and_nothing_changes(tmp_path):
    event_at(OLD)
    event_at(YOUNG)
    before = list(AuditEvent.objects.values_list("pk", flat=True))

    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError, match="须保存 365 天"):
        call_command("audit_archive", "--before", "2026-06-01", "--directory", str(tmp_path))

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == before
    assert list(tmp_path.iterdir()) == []


def test_an_earlier_cut_than_the_retention_limit_is_allowed(tmp_path):
    first = event_at(OLD)
    second = event_at(OLD + dt.timedelta(days=60))

    with time_machine.travel(NOW, tick=False):
        call_command("audit_archive", "--before", "2025-07-01", "--directory", str(tmp_path))

    assert not AuditEvent.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(pk=second.pk).exists()


def test_a_date_that_is_not_a_date_is_refused(tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit_archive", "--before", "2025-13-01", "--directory", str(tmp_path))


@pytest.mark.parametrize("days", [0, 90, 179])
def test_the_retention_cannot_be_set_below_180_days(settings, tmp_path, days):
    settings.REGISTRY_AUDIT_RETENTION_DAYS = days
    assert [e.id for e in check_audit_retention(None)] == ["audit.E001"]
    event_at(OLD)
    with pytest.raises(ImproperlyConfigured):
        archive(tmp_path)
    assert AuditEvent.objects.count() == 1


def test_the_default_retention_keeps_a_year(settings):
    assert settings.REGISTRY_AUDIT_RETENTION_DAYS >= 365
    assert check_audit_retention(None) == []


def test_a_broken_chain_is_never_archived(tmp_path):
    old = [event_at(OLD, i) for i in range(3)]
    with _tamper(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = 'someone' WHERE id = %s", [old[1].pk])

    with pytest.raises(ValidationError, match=str(old[1].pk)):
        archive(tmp_path)

    assert AuditEvent.objects.count() == 3
    assert list(tmp_path.iterdir()) == []


def test_a_changed_archive_file_is_found(tmp_path):
    for i in range(3):
        event_at(OLD, i)
    result = archive(tmp_path)
    lines = result.path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[1])
    row["actor_label"] = "someone else"
    lines[1] = json.dumps(row, ensure_ascii=False)
    result.path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    check = archive_verify(result.path)
    assert (check.count, check.broken.pk, check.broken.reason) == (1, row["id"], "hash")
    with pytest.raises(CommandError):
        call_command("audit_verify", "--archive", str(result.path))


def test_nothing_old_means_no_file_and_no_event(tmp_path, capsys):
    event_at(YOUNG)

    with time_machine.travel(NOW, tick=False):
        call_command("audit_archive", "--directory", str(tmp_path))

    assert "无需归档" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
    assert AuditEvent.objects.count() == 1


def test_an_existing_archive_file_is_never_overwritten(tmp_path):
    first = event_at(OLD)
    (tmp_path / f"auditevent-{first.pk:012d}-{first.pk:012d}.jsonl").write_text("kept\n")

    with pytest.raises(ValidationError, match="已存在"):
        archive(tmp_path)

    assert AuditEvent.objects.filter(pk=first.pk).exists()
    assert (tmp_path / f"auditevent-{first.pk:012d}-{first.pk:012d}.jsonl").read_text() == "kept\n"


def test_a_later_run_continues_the_chain_where_the_first_archive_ended(tmp_path):
    event_at(OLD, 1)
    first = archive(tmp_path)
    late = event_at(OLD + dt.timedelta(days=1), 2)  # written after the first run's marker, which is young
    assert archive(tmp_path).count == 0

    with time_machine.travel(NOW + dt.timedelta(days=400), tick=False):
        second = audit_archive(directory=tmp_path)

    assert second.count == 2  # the first run's marker and the late event
    assert second.last_id == late.pk
    check = archive_verify(second.path)
    assert (check.broken, check.first_prev_hash) == (None, first.last_hash)
    assert chain_verify(AuditEvent) == (1, None)


@pytest.mark.postgres
def test_on_postgresql_the_trigger_is_lifted_only_inside_the_archive(tmp_path):
    old = event_at(OLD)
    young = event_at(YOUNG)

    archive(tmp_path)

    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young.pk])
    assert AuditEvent.objects.filter(pk=young.pk).exists()
