from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationLog(models.Model):
    """One notification, identified by its idempotency key: the record that makes "send once" hold.

    The key names the event and the recipient's role, e.g. `application:42:accepted:employer`; the row is
    inserted before sending, so a second call with the same key finds it (registry/services/notifications.py).
    Bodies are stored with resident ID numbers masked.
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
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="notification_channel_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.key} ({self.status})"
