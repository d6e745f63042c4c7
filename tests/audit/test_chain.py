"""The audit tables are hash-chained: any change, removal or insertion is found by `audit_verify`."""

import contextlib
import threading

import pgtrigger
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit.chain import GENESIS, chain_verify
from audit.models import Action, AuditEvent
from audit.services import audit_chains_verify, audit_log
from registry.models import AuditEntry
from registry.services import applications as services
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tamper():
    """What the database owner could do: on PostgreSQL, with the append-only trigger lifted."""
    if connection.vendor == "postgresql":
        return pgtrigger.ignore("audit.AuditEvent:auditevent_append_only")
    return contextlib.nullcontext()


def _events(n, actor=None):
    return [audit_log(action=Action.EXPORTED, actor=actor, detail={"n": i, "rows": [1, 2]}) for i in range(n)]


def test_each_row_follows_the_one_before_and_the_chain_verifies():
    first, second, third = _events(3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert chain_verify(AuditEvent) == (3, None)


def test_a_changed_row_is_named(settings):
    _first, second, _third = _events(3)
    with _tamper(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = 'someone' WHERE id = %s", [second.pk])
    count, broken = chain_verify(AuditEvent)
    assert (count, broken.pk, broken.reason) == (1, second.pk, "hash")


def test_a_removed_row_is_found_at_the_next_one():
    _first, second, third = _events(3)
    with _tamper(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    count, broken = chain_verify(AuditEvent)
    assert (count, broken.pk, broken.reason) == (1, third.pk, "prev_hash")


def test_a_row_recomputed_without_the_key_does_not_verify(settings):
    event = _events(1)[0]
    settings.REGISTRY_AUDIT_CHAIN_KEYS = ["other=another-key-of-sufficient-length"]
    _count, broken = chain_verify(AuditEvent)
    assert (broken.pk, broken.reason) == (event.pk, "unknown_key")


def test_rotating_the_key_keeps_old_rows_verifiable(settings):
    _events(2)
    settings.REGISTRY_AUDIT_CHAIN_KEYS = ["k2=the-new-key-0123456789", *settings.REGISTRY_AUDIT_CHAIN_KEYS]
    newer = _events(1)[0]
    assert newer.key_id == "k2"
    assert chain_verify(AuditEvent) == (3, None)


def test_the_archive_of_old_rows_does_not_break_the_chain():
    """Retention: the oldest remaining row's prev_hash is taken as given (audit/chain.py)."""
    first, _second, _third = _events(3)
    with _tamper(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [first.pk])
    assert chain_verify(AuditEvent) == (2, None)


def test_workflow_transitions_are_chained_too(association_user):
    application = ApplicationFactory(submitted=True)
    services.application_accept(application=application, by=association_user)
    entries = list(AuditEntry.objects.order_by("pk"))
    assert entries
    assert all(e.hash and e.prev_hash for e in entries)
    assert chain_verify(AuditEntry)[1] is None


def test_the_command_says_intact_and_fails_on_a_break(capsys):
    _first, second, _third = _events(3)
    call_command("audit_verify")
    assert "3" in capsys.readouterr().out
    with _tamper(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = '{}' WHERE id = %s", [second.pk])
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert str(second.pk) in capsys.readouterr().err


def test_a_detail_is_stored_as_it_is_hashed():
    import datetime as dt

    event = audit_log(action=Action.EXPORTED, detail={"on": dt.date(2026, 1, 2)})
    assert event.detail == {"on": "2026-01-02"}
    assert chain_verify(AuditEvent) == (1, None)


def test_rows_cannot_be_saved_again_or_deleted_through_the_orm():
    event = _events(1)[0]
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_failed_sign_in_names_the_account_tried_and_no_user(rf):
    request = rf.post("/accounts/login/", REMOTE_ADDR="203.0.113.9")
    event = audit_log(action=Action.LOGIN_FAILED, request=request, actor_label="nobody")
    assert (event.actor, event.actor_label, event.is_system) == (None, "nobody", False)
    assert event.ip == "203.0.113.9"


@pytest.mark.postgres
def test_trigger_refuses_update_and_delete_on_postgresql(association_user):
    from django.db import DatabaseError

    event = _events(1)[0]
    application = ApplicationFactory(submitted=True)
    services.application_accept(application=application, by=association_user)
    entry = AuditEntry.objects.filter(application=application).latest("pk")
    for sql, pk in (
        ("UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s", event.pk),
        ("DELETE FROM audit_auditevent WHERE id = %s", event.pk),
        ("UPDATE registry_auditentry SET comment = 'x' WHERE id = %s", entry.pk),
        ("DELETE FROM registry_auditentry WHERE id = %s", entry.pk),
    ):
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [pk])
    assert AuditEvent.objects.filter(pk=event.pk, actor_label=event.actor_label).exists()
    assert AuditEntry.objects.filter(pk=entry.pk, comment=entry.comment).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appenders_keep_one_unbroken_chain():
    user = UserFactory()
    barrier = threading.Barrier(6)
    errors = []

    def append():
        try:
            barrier.wait()
            for _i in range(10):
                audit_log(action=Action.DOWNLOADED, actor=user)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    checks = {c.table: c for c in audit_chains_verify()}
    assert checks["audit_auditevent"].count == 60
    assert checks["audit_auditevent"].broken is None
