"""The continuing-education ledger: activities, each holder's participation, and corrections.

An activity (继续教育活动) is one course, practice activity, distance course, academic event or other
recognised way, with its hours and whether its subject is professional. A participation is one person's
hours in one activity, recorded by an employer's clerk (for its own staff) or by association staff (for
an activity the association or an industry body ran), and confirmed or rejected by association staff.
Only confirmed hours count (training.rules, training.selectors). A decided participation changes only
through `training.services.participation_correct`, which keeps a `ParticipationCorrection` and an audit
event. Writes go through training.services only.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common import text
from common.uploads import validate_new_material_file

from .rules import validate_hours


class ActivityKind(models.TextChoices):
    """The five ways hours are earned (pilot plan, 继续教育)."""

    COURSE = "course", _("Training, seminar or advanced course")
    PRACTICE = "practice", _("Continuing-education practice activity")
    DISTANCE = "distance", _("Distance education")
    ACADEMIC = "academic", _("Academic conference, lecture or visit")
    OTHER = "other", _("Other recognised way")


class Subject(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional subject")
    GENERAL = "general", _("General subject")


class HoursField(models.DecimalField):
    """Hours in half-hour steps, more than 0 (training.rules.validate_hours gives the one message)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 4)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("validators", [validate_hours])
        super().__init__(*args, **kwargs)


def evidence_path(instance: models.Model, filename: str) -> str:
    """Under private storage, which no URL serves; the stored name never contains the uploaded one (it
    may hold a person's name or ID number): that is kept in `*_name` for the download."""
    return f"training/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:5]}"


class Activity(models.Model):
    """One continuing-education activity and the hours it gives a participant who attended all of it."""

    title = models.CharField(_("title"), max_length=200, validators=[text.single_line])
    kind = models.CharField(_("way of learning"), max_length=20, choices=ActivityKind.choices)
    organiser = models.CharField(_("organiser"), max_length=200, validators=[text.single_line])
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), db_index=True)
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("venue"), max_length=200, blank=True, validators=[text.single_line])
    hours = HoursField(_("hours"))
    subject = models.CharField(_("subject category"), max_length=20, choices=Subject.choices)
    # The employer whose clerk recorded it; empty for an activity association staff recorded (run by the
    # association or an industry body).
    employer = models.ForeignKey(
        "people.Employer",
        verbose_name=_("recorded by employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_activities",
    )
    attendance_list = models.FileField(
        _("attendance list"),
        upload_to=evidence_path,
        max_length=300,
        blank=True,
        validators=[validate_new_material_file],
    )
    attendance_list_name = models.CharField(_("original file name"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("continuing-education activity")
        verbose_name_plural = _("continuing-education activities")
        ordering = ["-ends_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="training_activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(online=True) | ~Q(place=""), name="training_activity_place_or_online"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_activity_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.ends_on:%Y-%m-%d} {self.title}"


class ParticipationState(models.TextChoices):
    RECORDED = "recorded", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Participation(models.Model):
    """One person's hours in one activity. Counts towards the year the activity ended once confirmed."""

    State = ParticipationState

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="participations"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="training_participations",
    )
    # The employer the person worked for when it was recorded: whose clerk may see and change it.
    employer = models.ForeignKey(
        "people.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_participations",
    )
    hours = HoursField(_("hours"))
    evidence = models.FileField(
        _("evidence"),
        upload_to=evidence_path,
        max_length=300,
        blank=True,
        validators=[validate_new_material_file],
        help_text=_("A certificate of attendance: PDF, JPEG or PNG."),
    )
    evidence_name = models.CharField(_("original file name"), max_length=255, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ParticipationState.choices,
        default=ParticipationState.RECORDED,
        db_index=True,
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    rejection_reason = models.TextField(
        _("reason for rejection"), blank=True, editable=False, validators=[text.multi_line]
    )

    class Meta:
        verbose_name = _("continuing-education participation")
        verbose_name_plural = _("continuing-education participations")
        ordering = ["-activity__ends_on", "activity_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="training_one_participation_each"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_participation_hours_positive"),
            models.CheckConstraint(
                condition=~Q(state=ParticipationState.REJECTED) | ~Q(rejection_reason=""),
                name="training_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "state"], name="training_part_person_state"),
            models.Index(fields=["employer", "state"], name="training_part_employer_state"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.person_id}"


class ParticipationCorrection(models.Model):
    """A change to a decided participation: what it was, what it became, why and by whom."""

    participation = models.ForeignKey(
        Participation,
        verbose_name=_("participation"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    old_hours = models.DecimalField(_("hours before"), max_digits=4, decimal_places=1)
    new_hours = models.DecimalField(_("hours after"), max_digits=4, decimal_places=1)
    old_state = models.CharField(_("state before"), max_length=20, choices=ParticipationState.choices)
    new_state = models.CharField(_("state after"), max_length=20, choices=ParticipationState.choices)
    reason = models.TextField(_("reason"), validators=[text.multi_line])
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("continuing-education correction")
        verbose_name_plural = _("continuing-education corrections")
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.participation_id}: {self.old_hours} → {self.new_hours}"


class ShortfallReminder(models.Model):
    """The reminder an employer got on one reminder date (1 October, 1 December) of its holders short of
    continuing education for the year: the record that makes it once per employer and date
    (training/reminders.py). The e-mail itself is in the registry's outbox (`notification`)."""

    employer = models.ForeignKey(
        "people.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="training_shortfall_reminders",
    )
    reminder_date = models.DateField(_("reminder date"))
    year = models.PositiveSmallIntegerField(_("year"))
    holders = models.PositiveIntegerField(_("holders short"))
    notification = models.ForeignKey(
        "registry.NotificationLog",
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the employer has no e-mail address on record."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("continuing-education shortfall reminder")
        verbose_name_plural = _("continuing-education shortfall reminders")
        ordering = ["-reminder_date", "employer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "reminder_date"], name="training_one_reminder_per_employer_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reminder_date:%Y-%m-%d} · {self.employer_id}"
