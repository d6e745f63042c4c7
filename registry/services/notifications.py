"""Notifications: an outbox in the database, delivered at most once per idempotency key, by e-mail or SMS.

Two ways in (docs/decisions/0004-notifications-sent-once.md, 0050-notification-outbox.md):

- `notification_queue_email`, called INSIDE the transaction of the change they
  announce (an application's transition): the message is written to the outbox (a `NotificationLog` row,
  `pending`) and commits or rolls back with the change. After commit one delivery attempt is handed to a
  worker (`common.queue.enqueue`: never raises, never blocks); whatever that misses (Redis down, a worker
  lost, the mail server refusing) the sweep `notifications_deliver_due`, every minute, delivers later. A
  Redis outage delays the e-mail; it cannot lose it.
- `notification_send_email_once` / `notification_send_sms_once`, called where no change is being
  committed (the periodic reminders, in a worker): write the row and send now. A failure leaves the row
  due for the same sweep.

How "once" holds, even when two deliveries of one row run at once: the row for (channel, key) is unique
and inserted first; a delivery locks it and sends while the lock is held, so a concurrent delivery waits
for the first to commit, then finds it `sent` and sends nothing. If the process dies mid-send, its
transaction rolls back and a later delivery sends it. A failed attempt is retried with a growing delay,
MAX_ATTEMPTS times in all (about two days), then left `failed` for staff to see in the admin.

The stored copy is what is sent: recipients, subject, and the body with resident ID numbers masked.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from common.queue import enqueue
from people.validators import redact_resident_ids
from registry.models import NotificationLog
from registry.sms import get_sms_backend

logger = logging.getLogger(__name__)

_ERROR_LIMIT = 2000
MAX_ATTEMPTS = 15
# Minutes to wait after the Nth failed attempt: 1, 2, 4, ... then every 6 hours (15 attempts ≈ 44 hours).
_RETRY_MINUTES_CAP = 360
# How long a row handed to a worker by the sweep is left alone before the sweep hands it out again (a
# worker that is behind must not be sent the same row every minute).
SWEEP_LEASE = dt.timedelta(minutes=5)
SWEEP_BATCH = 500


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`th failed attempt."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), _RETRY_MINUTES_CAP))


def _stored(*, recipient: str, subject: str, body: str) -> dict[str, str]:
    return {"recipient": recipient, "subject": subject[:300], "body": redact_resident_ids(body)}


def _recipients(to: str | list[str]) -> str:
    return ", ".join([to] if isinstance(to, str) else list(to))


# --- the outbox: written in the caller's transaction ---------------------------------------------------


def notification_queue_email(*, key: str, to: str | list[str], subject: str, body: str) -> NotificationLog:
    """Put the e-mail in the outbox within the current transaction; it is delivered after commit.

    A key already in the outbox (sent or not) is left as it is: the event was already announced.
    """
    return _queue(
        channel=NotificationLog.Channel.EMAIL,
        key=key,
        stored=_stored(recipient=_recipients(to), subject=subject, body=body),
    )


def _queue(*, channel: NotificationLog.Channel, key: str, stored: dict[str, str]) -> NotificationLog:
    log, created = NotificationLog.objects.get_or_create(
        channel=channel, key=key, defaults={**stored, "next_attempt_at": timezone.now()}
    )
    if created:
        transaction.on_commit(lambda: notification_deliver_later(log.pk))
    return log


def notification_deliver_later(notification_id: int) -> bool:
    """Hand one delivery to a worker (or, with no broker, do it here). False when the broker is away:
    the row stays due and the sweep delivers it."""
    from registry.tasks import deliver_notification

    return enqueue(deliver_notification, notification_id=notification_id)


# --- delivery -------------------------------------------------------------------------------------------


def notification_deliver(*, notification_id: int) -> NotificationLog | None:
    """Send the stored message unless it was sent already; record the outcome. None if no such row."""
    with transaction.atomic():
        log = NotificationLog.objects.select_for_update().filter(pk=notification_id).first()
        if log is None or log.status == NotificationLog.Status.SENT:
            return log
        _attempt(log)
    return log


def _deliver_stored(log: NotificationLog) -> None:
    if log.channel == NotificationLog.Channel.SMS:
        get_sms_backend().send(to=log.recipient, body=log.body)
        return
    recipients = [address.strip() for address in log.recipient.split(",") if address.strip()]
    EmailMessage(subject=log.subject, body=log.body, from_email=settings.DEFAULT_FROM_EMAIL,
                 to=recipients).send(fail_silently=False)  # fmt: skip


def _attempt(log: NotificationLog, deliver: Callable[[NotificationLog], None] = _deliver_stored) -> None:
    """One attempt on a locked row: send, then record sent, or failed with when to try again."""
    log.attempts += 1
    try:
        deliver(log)
    except Exception as error:  # any backend failure is recorded, the row stays due (until the last try)
        log.status = NotificationLog.Status.FAILED
        log.error = redact_resident_ids(f"{type(error).__name__}: {error}")[:_ERROR_LIMIT]
        log.next_attempt_at = (
            timezone.now() + retry_delay(log.attempts) if log.attempts < MAX_ATTEMPTS else None
        )
        logger.warning("notification %s (%s) attempt %d failed", log.pk, log.key, log.attempts)
    else:
        log.status = NotificationLog.Status.SENT
        log.sent_at = timezone.now()
        log.error = ""
        log.next_attempt_at = None
    log.save()


# --- the sweep --------------------------------------------------------------------------------------------


def notifications_due(*, now: dt.datetime | None = None) -> QuerySet[NotificationLog]:
    """Rows whose (next) attempt is due: pending, or failed and not yet given up (the partial index)."""
    now = now or timezone.now()
    return (
        NotificationLog.objects.filter(next_attempt_at__lte=now)
        .exclude(status=NotificationLog.Status.SENT)
        .order_by("next_attempt_at", "pk")
    )


def notifications_deliver_due(*, in_process: bool = False, now: dt.datetime | None = None) -> int:
    """The outbox sweep (every minute, and `python manage.py deliver_notifications`); returns how many
    rows it delivered or handed on.

    In a worker (the default) it hands each due row to a worker task, leasing the rows for SWEEP_LEASE
    so that the next sweep does not hand them out again meanwhile; at most SWEEP_BATCH rows a run.
    `in_process` delivers every due row here and now, one after another (the management command).
    """
    now = now or timezone.now()
    if in_process:
        done = 0
        while ids := list(notifications_due(now=now).values_list("pk", flat=True)[:SWEEP_BATCH]):
            for pk in ids:
                notification_deliver(notification_id=pk)
            done += len(ids)
        return done
    ids = list(notifications_due(now=now).values_list("pk", flat=True)[:SWEEP_BATCH])
    NotificationLog.objects.filter(pk__in=ids).update(next_attempt_at=now + SWEEP_LEASE)
    for position, pk in enumerate(ids):
        if not notification_deliver_later(pk):  # the broker went away: the rest stay due, not leased
            NotificationLog.objects.filter(pk__in=ids[position:]).update(next_attempt_at=now)
            return position
    return len(ids)


# --- sent now, where no change is being committed ------------------------------------------------------


def notification_send_email_once(
    *, key: str, to: str | list[str], subject: str, body: str
) -> NotificationLog:
    """Send the e-mail unless one with this key was already sent; return its log row (sent or failed)."""
    return _send_once(
        channel=NotificationLog.Channel.EMAIL,
        key=key,
        stored=_stored(recipient=_recipients(to), subject=subject, body=body),
    )


def notification_send_sms_once(*, key: str, to: str, body: str) -> NotificationLog:
    """Send the SMS through settings.SMS_BACKEND unless one with this key was already sent.

    A backend that cannot be loaded raises here (a deployment error to see at once); in the outbox's
    delivery it is recorded on the row instead, which stays due until the setting is corrected."""
    get_sms_backend()
    return _send_once(
        channel=NotificationLog.Channel.SMS, key=key, stored=_stored(recipient=to, subject="", body=body)
    )


def _send_once(*, channel: NotificationLog.Channel, key: str, stored: dict[str, str]) -> NotificationLog:
    with transaction.atomic():
        # Insert first: of two concurrent callers, the second waits here for the first to commit.
        NotificationLog.objects.get_or_create(channel=channel, key=key, defaults=stored)
        log = NotificationLog.objects.select_for_update().get(channel=channel, key=key)
        if log.status == NotificationLog.Status.SENT:
            return log
        for name, value in stored.items():  # a retry sends (and records) the current message
            setattr(log, name, value)
        _attempt(log)
    return log
