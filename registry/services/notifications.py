"""Notifications sent at most once per idempotency key, by e-mail (Django's backend) or SMS.

How "once" holds, even when a task runs twice at the same moment (docs/decisions/0004-notifications-sent-once.md):
the row for (channel, key) is inserted first, then locked, and the message is sent while the lock is held.
A concurrent caller with the same key waits on the insert or the lock, then finds the row `sent` and sends
nothing. A send that raised is recorded `failed` with its error and is sent again by a later call with the
same key. If the process dies mid-send, its transaction rolls back and a later call sends it.

Call these after the transaction that caused the notification has committed (from a Celery task, or
`transaction.on_commit`), never inside it: the message cannot be unsent if that transaction rolls back.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from registry.models import NotificationLog
from registry.sms import get_sms_backend
from registry.validators import redact_resident_ids

_ERROR_LIMIT = 2000


def notification_send_email_once(
    *, key: str, to: str | list[str], subject: str, body: str, from_email: str | None = None
) -> NotificationLog:
    """Send the e-mail unless one with this key was already sent; return its log row (sent or failed)."""
    recipients = [to] if isinstance(to, str) else list(to)

    def deliver() -> None:
        EmailMessage(subject=subject, body=body, from_email=from_email or settings.DEFAULT_FROM_EMAIL,
                     to=recipients).send(fail_silently=False)  # fmt: skip

    return _send_once(
        channel=NotificationLog.Channel.EMAIL,
        key=key,
        recipient=", ".join(recipients),
        subject=subject,
        body=body,
        deliver=deliver,
    )


def notification_send_sms_once(*, key: str, to: str, body: str) -> NotificationLog:
    """Send the SMS through settings.SMS_BACKEND unless one with this key was already sent."""
    backend = get_sms_backend()
    return _send_once(
        channel=NotificationLog.Channel.SMS,
        key=key,
        recipient=to,
        subject="",
        body=body,
        deliver=lambda: backend.send(to=to, body=body),
    )


def _send_once(
    *,
    channel: NotificationLog.Channel,
    key: str,
    recipient: str,
    subject: str,
    body: str,
    deliver: Callable[[], None],
) -> NotificationLog:
    stored = {"recipient": recipient[:254], "subject": subject[:300], "body": redact_resident_ids(body)}
    with transaction.atomic():
        # Insert first: of two concurrent callers, the second waits here for the first to commit.
        NotificationLog.objects.get_or_create(channel=channel, key=key, defaults=stored)
        log = NotificationLog.objects.select_for_update().get(channel=channel, key=key)
        if log.status == NotificationLog.Status.SENT:
            return log
        for name, value in stored.items():  # a retry sends (and records) the current message
            setattr(log, name, value)
        log.attempts += 1
        try:
            deliver()
        except Exception as error:  # any backend failure is recorded, the row stays retryable
            log.status = NotificationLog.Status.FAILED
            log.error = redact_resident_ids(f"{type(error).__name__}: {error}")[:_ERROR_LIMIT]
        else:
            log.status = NotificationLog.Status.SENT
            log.sent_at = timezone.now()
            log.error = ""
        log.save()
    return log
