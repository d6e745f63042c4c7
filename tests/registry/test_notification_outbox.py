"""The notification outbox: the employer's e-mail about a transition is written in the transition's own
transaction, delivered after commit, and, whatever goes wrong on the way (Redis down, the mail server
refusing), delivered later by the sweep: once, never lost (docs/decisions/0050-notification-outbox.md)."""

import datetime as dt
import io
import socket
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from registry.models import NotificationLog
from registry.services import applications as services
from registry.services import notifications
from registry.services.notifications import (
    MAX_ATTEMPTS,
    SWEEP_LEASE,
    notification_deliver,
    notification_queue_email,
    notifications_deliver_due,
    notifications_due,
    retry_delay,
)
from registry.services.reminders import application_notify_employer
from tests.celery_worker import broker_unreachable
from tests.factories import ApplicationFactory
from tests.registry.gated_backends import Gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(monday):
    return ApplicationFactory(submitted=True, employer__contact_email="hr@example.cn")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _smtp_refusing(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 5


def test_the_email_is_written_in_the_transitions_transaction_and_sent_after_commit(
    application, association_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_accept(application=application, by=association_user)
        # Before commit: the message is in the outbox, nothing is sent.
        queued = NotificationLog.objects.get()
        assert (queued.status, queued.recipient, queued.attempts) == ("pending", "hr@example.cn", 0)
        assert queued.key.startswith(f"application:{application.pk}:")
        assert "已受理" in queued.subject
        assert queued.next_attempt_at is not None
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["hr@example.cn"]]
    assert mail.outbox[0].body == NotificationLog.objects.get().body
    sent = NotificationLog.objects.get()
    assert (sent.status, sent.attempts, sent.next_attempt_at) == ("sent", 1, None)


def test_a_transition_that_rolls_back_leaves_nothing_to_send(
    application, association_user, django_capture_on_commit_callbacks
):
    class LaterFailure(Exception):
        pass

    def accept_then_fail() -> None:
        with transaction.atomic():
            services.application_accept(application=application, by=association_user)
            raise LaterFailure  # something later in the same transaction fails

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(LaterFailure):
        accept_then_fail()
    assert not NotificationLog.objects.exists()
    assert mail.outbox == []


def test_an_employer_without_an_address_gets_no_outbox_row(monday, association_user):
    application = ApplicationFactory(submitted=True, employer__contact_email="")
    services.application_accept(application=application, by=association_user)
    assert not NotificationLog.objects.exists()


def test_with_the_broker_down_the_email_waits_for_the_sweep_and_goes_out_once(
    application, association_user, django_capture_on_commit_callbacks
):
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        services.application_accept(application=application, by=association_user)
    waiting = NotificationLog.objects.get()
    assert waiting.status == "pending"
    assert list(notifications_due()) == [waiting]
    assert mail.outbox == []

    # Redis is back: the sweep (beat, every minute) hands it to a worker; here tasks run in-process.
    assert notifications_deliver_due() == 1
    assert notifications_deliver_due() == 0
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.get().status == "sent"


def test_a_delivery_that_runs_twice_sends_once(
    application, association_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_accept(application=application, by=association_user)
    log = NotificationLog.objects.get()
    notification_deliver(notification_id=log.pk)  # the sweep's copy of a task that already ran
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.get().attempts == 1


def test_the_old_task_for_the_same_transition_sends_nothing_more(
    application, association_user, django_capture_on_commit_callbacks
):
    """A `registry.notify_employer` message enqueued before the upgrade uses the outbox's key."""
    with django_capture_on_commit_callbacks(execute=True):
        services.application_accept(application=application, by=association_user)
    entry = application.audit_entries.get(transition="accept")
    application_notify_employer(application_id=application.pk, audit_entry_id=entry.pk)
    assert len(mail.outbox) == 1


def test_a_failed_attempt_is_retried_with_growing_delays_then_given_up(settings):
    _smtp_refusing(settings)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with transaction.atomic():
            log = notification_queue_email(key="k", to="hr@example.cn", subject="s", body="b")
        delays = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert list(notifications_due()) == [log]
            notifications_deliver_due(in_process=True)
            log.refresh_from_db()
            assert (log.status, log.attempts) == ("failed", attempt)
            assert "ConnectionRefusedError" in log.error
            assert list(notifications_due()) == []  # not again before its time
            if attempt < MAX_ATTEMPTS:
                delays.append(log.next_attempt_at - timezone.now())
                clock.move_to(log.next_attempt_at)
        assert log.next_attempt_at is None  # given up: left failed, for staff to see
        clock.shift(dt.timedelta(days=30))
        assert list(notifications_due()) == []
    assert delays[:4] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[-1] == dt.timedelta(hours=6)
    assert sum(delays, dt.timedelta()) > dt.timedelta(days=1)  # an outage over a night is covered
    assert delays == [retry_delay(n) for n in range(1, MAX_ATTEMPTS)]


def test_a_failed_attempt_then_succeeds_once_the_server_is_back(settings):
    _smtp_refusing(settings)
    with transaction.atomic():
        log = notification_queue_email(key="k", to="hr@example.cn", subject="s", body="b")
    notification_deliver(notification_id=log.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications_deliver_due(in_process=True, now=timezone.now() + dt.timedelta(minutes=1))
    log.refresh_from_db()
    assert (log.status, log.attempts, log.error, log.next_attempt_at) == ("sent", 2, "", None)
    assert len(mail.outbox) == 1


def test_the_sweep_leases_what_it_hands_out_and_keeps_what_it_could_not(monkeypatch):
    with transaction.atomic():
        rows = [
            notification_queue_email(key=f"k{i}", to="a@example.cn", subject="s", body="b") for i in range(3)
        ]
    handed: list[int] = []

    def broker_fails_on_the_second(notification_id: int) -> bool:
        if len(handed) == 1:
            return False
        handed.append(notification_id)
        return True

    monkeypatch.setattr(notifications, "notification_deliver_later", broker_fails_on_the_second)
    now = timezone.now()
    assert notifications_deliver_due(now=now) == 1
    assert handed == [rows[0].pk]
    # The one handed out is leased (not handed out again each minute while a worker is behind) ...
    assert NotificationLog.objects.get(pk=rows[0].pk).next_attempt_at == now + SWEEP_LEASE
    # ... the ones the broker did not take are due again at once.
    assert [r.pk for r in notifications_due(now=now)] == [rows[1].pk, rows[2].pk]
    monkeypatch.setattr(notifications, "notification_deliver_later", lambda notification_id: True)
    assert notifications_deliver_due(now=now) == 2
    assert notifications_deliver_due(now=now + dt.timedelta(minutes=1)) == 0
    assert notifications_deliver_due(now=now + SWEEP_LEASE) == 3  # a lost task is handed out again


def test_the_command_delivers_what_is_due():
    with transaction.atomic():
        notification_queue_email(key="k", to="hr@example.cn", subject="s", body="b")
    out = io.StringIO()
    call_command("deliver_notifications", stdout=out)
    assert "1" in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_sweep_query_runs_a_constant_number_of_queries(django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(notifications, "notification_deliver_later", lambda notification_id: True)
    with transaction.atomic():
        for i in range(20):
            notification_queue_email(key=f"k{i}", to="a@example.cn", subject="s", body="b")
    with django_assert_max_num_queries(2):  # the due ids, one UPDATE for the lease
        assert notifications_deliver_due() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_immediate_attempt_and_the_sweep_at_once_send_one_email(settings, monkeypatch):
    """The sweep may reach a row while its first attempt is still sending: one of them sends, the other
    waits for the row's lock and then finds it sent."""
    with monkeypatch.context() as patch:
        patch.setattr(notifications, "notification_deliver_later", lambda notification_id: True)
        with transaction.atomic():
            log = notification_queue_email(key="k", to="hr@example.cn", subject="s", body="b")
    settings.EMAIL_BACKEND = "tests.registry.gated_backends.GatedEmailBackend"
    Gate.reset()
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            notification_deliver(notification_id=log.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=deliver)
    first.start()
    assert Gate.entered.wait(timeout=30)
    second = threading.Thread(target=lambda: notifications_deliver_due(in_process=True) and None)
    second.start()
    try:
        deadline = time.monotonic() + 30
        while not _someone_waits_on_a_lock():  # the sweep is blocked on the row the first is sending
            assert time.monotonic() < deadline, "the sweep never waited for the first attempt"
            time.sleep(0.05)
    finally:
        Gate.release.set()
        first.join(timeout=30)
        second.join(timeout=30)
    assert errors == []
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.get(pk=log.pk).attempts == 1


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0
