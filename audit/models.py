"""The append-only audit trail of everything that is not an application's or certificate's transition.

Two tables carry the audit trail (docs/decisions/0007-audit-trail.md): `registry.AuditEntry` holds the
workflow's transitions (from/to state, on an application or certificate), and `AuditEvent` here holds every
other event that matters to security and accountability — sign-ins, exports, downloads, views of a full
resident ID number, changes of users, roles, the calendar and the catalogues, deletions — for every app,
with the target named by its model label and primary key. Both are chained (audit/chain.py) and, on
PostgreSQL, a trigger refuses UPDATE and DELETE. Rows are written only through `audit.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def append_only_triggers(prefix: str) -> list[pgtrigger.Protect]:
    """The database refuses to change or delete a stored row, whoever asks (not only this application)."""
    return [pgtrigger.Protect(name=f"{prefix}_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]


class ChainedRecord(models.Model):
    """A row of a hash-chained, append-only table (audit/chain.py)."""

    key_id = models.CharField(_("chain key"), max_length=20, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Audit rows are append-only.")

    def chain_content(self) -> dict[str, Any]:
        """The row's content as hashed: every column but the id and the chain columns."""
        raise NotImplementedError


def utc_iso(value) -> str:
    return value.astimezone(dt.UTC).isoformat() if value else ""


class Action(models.TextChoices):
    """What happened. Values are stored; labels are what staff read."""

    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Sign-in locked out")
    LOGOUT = "logout", _("Signed out")
    OTP_ENROLLED = "otp_enrolled", _("Two-factor authentication set up")
    OTP_FAILED = "otp_failed", _("Wrong verification code")
    OTP_RECOVERY_USED = "otp_recovery_used", _("Recovery code used")
    OTP_RESET = "otp_reset", _("Two-factor authentication reset")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_SET = "password_set", _("Password set by an administrator")
    USER_CREATED = "user_created", _("Account created")
    USER_CHANGED = "user_changed", _("Account changed")
    ROLE_CHANGED = "role_changed", _("Roles or permissions changed")
    EXPORTED = "exported", _("Data exported")
    DOWNLOADED = "downloaded", _("File downloaded")
    FULL_ID_VIEWED = "full_id_viewed", _("Full resident ID number viewed")
    CALENDAR_CHANGED = "calendar_changed", _("Working-day calendar changed")
    EMPLOYER_RENAMED = "employer_renamed", _("Employer renamed")
    CATALOGUE_CHANGED = "catalogue_changed", _("Catalogue changed")
    RECORD_CHANGED = "record_changed", _("Record changed")
    DELETED = "deleted", _("Record deleted")
    RESULT_CORRECTED = "result_corrected", _("Assessment result corrected")
    AUDIT_ARCHIVED = "audit_archived", _("Audit events archived")
    TRAINING_DECIDED = "training_decided", _("Continuing-education hours confirmed or rejected")
    TRAINING_CORRECTED = "training_corrected", _("Continuing-education hours corrected")
    TRAINING_SHORTFALL_OVERRIDDEN = (
        "training_overridden",
        _("Continuing-education shortfall accepted with a reason"),
    )
    SUPERVISION_PLAN = "supervision_plan", _("Spot-check plan created or changed")
    SUPERVISION_DRAWN = "supervision_drawn", _("Spot checks drawn")
    SUPERVISION_CHECK = "supervision_check", _("Spot check recorded")
    SUPERVISION_MEASURE = "supervision_measure", _("Supervision measure ordered or followed up")
    SUPERVISION_CONFLICT = "supervision_conflict", _("Conflict of interest declared or withdrawn")
    SUPERVISION_VISIT = "supervision_visit", _("Assistance visit recorded")
    SUPERVISION_FEEDBACK = "supervision_feedback", _("Feedback received or answered")
    REPORT_TEXT = "report_text", _("Yearly report text edited")
    REPORT_SUBMITTED = "report_submitted", _("Yearly report submitted to the bureau")
    REPORT_ANSWERED = "report_answered", _("Yearly report returned or acknowledged by the bureau")
    API_KEY_ISSUED = "api_key_issued", _("API key issued")
    API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
    RECOGNITION_DECIDED = "recognition_decided", _("Submitted certificate accepted or rejected")


class AuditEvent(ChainedRecord):
    """One event: who (or the system), when, from where, what, on which record, with what detail."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The username at the time, and for a failed sign-in the name that was tried.
    actor_label = models.CharField(_("account"), max_length=150, blank=True)
    is_system = models.BooleanField(_("by the system"), default=False)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    target_type = models.CharField(_("record type"), max_length=100, blank=True)
    target_id = models.CharField(_("record"), max_length=64, blank=True)
    target_label = models.CharField(_("record name"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="auditevent_target_idx"),
            models.Index(fields=["actor", "at"], name="auditevent_actor_at_idx"),
            models.Index(fields=["actor_label", "at"], name="auditevent_account_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_system=False) | models.Q(actor__isnull=True),
                name="auditevent_system_has_no_user",
            ),
        ]
        triggers = append_only_triggers("auditevent")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_label}".strip()

    def chain_content(self) -> dict[str, Any]:
        return {
            "at": utc_iso(self.at),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "is_system": self.is_system,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_label": self.target_label,
            "ip": self.ip,
            "detail": self.detail,
        }
