"""Notifications go out at most once per key, failures are recorded and retried, IDs never logged in clear."""

import logging
import socket
import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections

from registry import sms
from registry.models import NotificationLog
from registry.services.notifications import notification_send_email_once, notification_send_sms_once
from tests.factories import valid_resident_id
from tests.registry.gated_backends import Gate

pytestmark = pytest.mark.django_db

KEY = "application:42:accepted:employer"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_same_key_twice_sends_one_email():
    first = notification_send_email_once(key=KEY, to="hr@example.com", subject="受理通知", body="已受理")
    second = notification_send_email_once(key=KEY, to="hr@example.com", subject="受理通知", body="已受理")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hr@example.com"]
    assert mail.outbox[0].subject == "受理通知"
    assert first.pk == second.pk
    assert second.status == NotificationLog.Status.SENT
    assert second.sent_at is not None
    assert second.attempts == 1


def test_different_keys_each_send():
    notification_send_email_once(key=f"{KEY}:a", to="a@example.com", subject="s", body="b")
    notification_send_email_once(key=f"{KEY}:b", to="a@example.com", subject="s", body="b")
    assert len(mail.outbox) == 2


def test_an_email_and_an_sms_with_one_key_are_separate_notifications():
    notification_send_email_once(key=KEY, to="hr@example.com", subject="s", body="b")
    notification_send_sms_once(key=KEY, to="13912345678", body="b")
    assert len(mail.outbox) == 1
    assert sms.outbox == [("13912345678", "b")]
    assert NotificationLog.objects.filter(key=KEY).count() == 2


def test_a_failed_send_is_recorded_and_a_later_call_retries_it(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 5
    failed = notification_send_email_once(key=KEY, to="hr@example.com", subject="s", body="b")
    assert failed.status == NotificationLog.Status.FAILED
    assert "ConnectionRefusedError" in failed.error
    assert failed.sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retried = notification_send_email_once(key=KEY, to="hr@example.com", subject="s", body="b")
    assert retried.pk == failed.pk
    assert retried.status == NotificationLog.Status.SENT
    assert retried.attempts == 2
    assert retried.error == ""
    assert len(mail.outbox) == 1

    notification_send_email_once(key=KEY, to="hr@example.com", subject="s", body="b")
    assert len(mail.outbox) == 1


def test_sms_is_sent_once_through_the_configured_backend():
    notification_send_sms_once(key="cert:7:expiry:90", to="13912345678", body="证书将于90天后到期")
    notification_send_sms_once(key="cert:7:expiry:90", to="13912345678", body="证书将于90天后到期")
    assert sms.outbox == [("13912345678", "证书将于90天后到期")]


def test_an_sms_backend_that_fails_is_recorded(settings):
    settings.SMS_BACKEND = "registry.sms.NoSuchBackend"
    with pytest.raises(ImportError):
        notification_send_sms_once(key="x", to="13912345678", body="b")
    settings.SMS_BACKEND = "tests.registry.test_notifications.RefusingSMSBackend"
    log = notification_send_sms_once(key="x", to="13912345678", body="b")
    assert log.status == NotificationLog.Status.FAILED
    assert "gateway refused" in log.error


class RefusingSMSBackend:
    def send(self, *, to: str, body: str) -> None:
        raise RuntimeError("gateway refused")


def test_the_logging_sms_backend_never_logs_a_resident_id_or_full_phone(settings, caplog):
    settings.SMS_BACKEND = "registry.sms.LoggingSMSBackend"
    id_number = valid_resident_id()
    with caplog.at_level(logging.INFO, logger="registry.sms"):
        notification_send_sms_once(key="k", to="13912345678", body=f"您的证书（身份证号{id_number}）已颁发")
    logged = caplog.text
    assert "已颁发" in logged
    assert id_number not in logged
    assert f"{id_number[:4]}**********{id_number[-4:]}" in logged
    assert "13912345678" not in logged
    assert "139****5678" in logged


def test_the_stored_copy_masks_resident_ids_and_is_what_is_sent():
    """The outbox sends what it stored (a retry has nothing else), so a direct send does the same: a
    resident ID number that slipped into a message goes out masked, never in clear."""
    id_number = valid_resident_id()
    log = notification_send_email_once(key="k", to="a@example.com", subject="s", body=f"ID {id_number}.")
    assert id_number not in log.body
    assert mail.outbox[0].body == log.body == f"ID {id_number[:4]}**********{id_number[-4:]}."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("earlier", ["none", "failed"], ids=["first-send", "retry-of-a-failed-send"])
def test_two_concurrent_calls_with_one_key_send_one_email(settings, earlier):
    """The first caller is held inside its send until the second is seen waiting on PostgreSQL's lock."""
    if earlier == "failed":
        NotificationLog.objects.create(
            channel=NotificationLog.Channel.EMAIL, key=KEY, recipient="hr@example.com", body="b",
            status=NotificationLog.Status.FAILED, attempts=1, error="SMTPServerDisconnected",
        )  # fmt: skip
    settings.EMAIL_BACKEND = "tests.registry.gated_backends.GatedEmailBackend"
    Gate.reset()
    results: list[NotificationLog] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            results.append(notification_send_email_once(key=KEY, to="hr@example.com", subject="s", body="b"))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=call)
    first.start()
    assert Gate.entered.wait(timeout=30), "the first call never reached the e-mail backend"
    second = threading.Thread(target=call)
    second.start()
    try:
        deadline = time.monotonic() + 30
        while not _someone_waits_on_a_lock():
            assert time.monotonic() < deadline, "the second call never waited for the first"
            time.sleep(0.05)
    finally:
        Gate.release.set()
        first.join(timeout=30)
        second.join(timeout=30)
    assert errors == []
    assert len(mail.outbox) == 1
    assert [r.status for r in results] == [NotificationLog.Status.SENT] * 2
    assert NotificationLog.objects.get(key=KEY).attempts == (1 if earlier == "none" else 2)


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0
