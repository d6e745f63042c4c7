from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import ChainedRecord, append_only_triggers, utc_iso
from registry.workflow import action_label, state_label


class AuditEntry(ChainedRecord):
    """One transition: who (or the system), when, from, to, why. Append-only and hash-chained.

    Written only by registry/services/audit.py (through audit.chain). No role is ever granted change/delete
    (accounts/roles.py NEVER_GRANTED), the admin shows these rows read-only, `save()` refuses to rewrite a
    stored row, and on PostgreSQL a trigger refuses UPDATE and DELETE from anyone.
    """

    application = models.ForeignKey(
        "registry.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    certificate = models.ForeignKey(
        "registry.RegistrationCertificate",
        verbose_name=_("registration certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    transition = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30)
    to_state = models.CharField(_("to"), max_length=30)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_system = models.BooleanField(_("by the system"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False) | models.Q(certificate__isnull=False),
                name="audit_has_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(is_system=False) | models.Q(by__isnull=True),
                name="audit_system_has_no_user",
            ),
        ]
        triggers = append_only_triggers("auditentry")

    def __str__(self) -> str:
        # The row's caption in the history inline: the action and the states by their labels.
        action = action_label(self.transition)
        if self.from_state == self.to_state:
            return f"{action}（{state_label(self.to_state)}）"
        if not self.from_state:
            return f"{action}：{state_label(self.to_state)}"
        return f"{action}：{state_label(self.from_state)} → {state_label(self.to_state)}"

    def chain_content(self) -> dict[str, Any]:
        return {
            "application": self.application_id,
            "certificate": self.certificate_id,
            "transition": self.transition,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "at": utc_iso(self.at),
            "by": self.by_id,
            "is_system": self.is_system,
            "comment": self.comment,
            "detail": self.detail,
        }
