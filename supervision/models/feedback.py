"""Feedback (意见建议) on the pilot, from an enterprise's clerk in the portal or from anyone on the public
form; triaged and answered by the association, read by the bureau, and the answer read by the submitter
(in the portal, or with the tracking code a public submitter is given).

A public submitter's contact (a phone number or an e-mail address, optional) is personal data: encrypted
at rest, shown in clear only to the association who answers, masked everywhere else.

    new ──answer──▶ answered ──close──▶ closed
     └─────────────close────────────────┘ (nothing to answer: spam, a duplicate)
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import text
from pii.fields import EncryptedCharField
from registry.sms import mask_phone
from registry.verification import mask_name

from .fields import acted_by

# No 0/O, 1/I/L: a code read aloud or copied by hand is not mistaken. 16 of 31 symbols ≈ 79 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class FeedbackOrigin(models.TextChoices):
    PORTAL = "portal", _("Enterprise portal")
    PUBLIC = "public", _("Public form")


class FeedbackTopic(models.TextChoices):
    REGISTRATION = "registration", _("Registration process")
    ASSESSMENT = "assessment", _("Assessment")
    CONTINUING_EDUCATION = "continuing_education", _("Continuing education")
    SYSTEM = "system", _("This system")
    OTHER = "other", _("Other")


class FeedbackState(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


def mask_contact(contact: str) -> str:
    """`13912345678` → `139****5678`; `wang@example.cn` → `w***@example.cn`; empty stays empty."""
    if not contact:
        return ""
    if "@" in contact:
        local, _at, domain = contact.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(contact)


class Feedback(models.Model):
    origin = models.CharField(_("origin"), max_length=20, choices=FeedbackOrigin.choices, db_index=True)
    employer = models.ForeignKey(
        "people.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
    )
    submitted_by = acted_by(_("submitted by"))
    name = models.CharField(_("name"), max_length=100, blank=True, validators=[text.single_line])
    contact = EncryptedCharField(_("contact"), max_length=100, blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=FeedbackTopic.choices, db_index=True)
    message = models.TextField(_("message"), validators=[text.multi_line_from_enterprise])
    state = models.CharField(
        _("state"), max_length=20, choices=FeedbackState.choices, default=FeedbackState.NEW, db_index=True
    )
    answer = models.TextField(_("answer"), blank=True, validators=[text.multi_line])
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    answered_by = acted_by(_("answered by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = acted_by(_("closed by"))
    tracking_code = models.CharField(
        _("tracking code"), max_length=CODE_LENGTH, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(origin="portal", employer__isnull=False, tracking_code__isnull=True)
                    | models.Q(origin="public", employer__isnull=True, tracking_code__isnull=False)
                ),
                name="supervision_feedback_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} · {self.created_at:%Y-%m-%d}" if self.created_at else "feedback"

    @property
    def masked_contact(self) -> str:
        return mask_contact(self.contact)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)
