from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationLog(models.Model):
    """One notification, identified by its idempotency key: the record that makes "send once" hold, and the
    outbox that makes "never lost" hold (docs/decisions/0050-notification-outbox.md).

    The key names the event and the recipient's role, e.g. `application:42:accepted:employer`; the row is
    inserted before sending, so a second call with the same key finds it (registry/services/notifications.py).
    A row written in the transaction of the change it announces is the message itself (recipients, subject,
    body) waiting to be delivered: `next_attempt_at` says when the sweep tries it next; it is empty once
    the message is sent or after the last attempt. Bodies are stored, and sent, with resident ID numbers
    masked.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    key = models.CharField(_("idempotency key"), max_length=200)
    # Comma-separated e-mail addresses, or one phone number; every one of them is sent to.
    recipient = models.TextField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="notification_channel_key_uniq")
        ]
        indexes = [
            # The outbox sweep's query, every minute: only the rows still to deliver are in the index.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(next_attempt_at__isnull=False),
                name="notification_due_idx",
            )
        ]

    def __str__(self) -> str:
        # Read in the admin's titles and breadcrumbs: what it is about, never the key.
        what = self.subject or self.recipient
        return f"{self.get_channel_display()}：{what}（{self.get_status_display()}）"
