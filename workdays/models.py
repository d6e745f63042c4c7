"""China's working-day calendar (工作日): the days with an explicit status, the years, and the change log.

A day without a row follows the plain rule: Monday to Friday work, Saturday and Sunday off, and in a
year whose schedule is not yet published also the fixed-date statutory holidays (workdays.working_days).
Writes go through workdays.services, which logs them and recomputes open deadlines.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common import text
from workdays import calendar_source


class CalendarDay(models.Model):
    """A day whose status is stated explicitly: a holiday (休) or a swapped working day (调休上班).

    Rows mostly differ from the Monday-Friday rule (a holiday on a weekday, work on a weekend). A row
    that agrees with it is allowed: a weekend day of a holiday block keeps the holiday's name, and a
    staff row pins a day against a later package sync.
    """

    class Kind(models.TextChoices):
        DAY_OFF = calendar_source.DAY_OFF, _("Day off")
        WORKING_DAY = calendar_source.WORKING_DAY, _("Working day")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(pgettext_lazy("calendar day", "kind"), max_length=20, choices=Kind.choices)
    note = models.CharField(
        _("note"),
        max_length=100,
        blank=True,
        help_text=_("For example 春节 or 国庆节调休上班."),
        validators=[text.single_line],
    )
    edited_by_staff = models.BooleanField(
        _("edited by staff"),
        default=False,
        help_text=_("Entered or changed by hand; sync_workdays never overwrites it."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "registry_calendarday"  # its table from `registry` (state-only move)
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.WORKING_DAY


class CalendarYear(models.Model):
    """Whether a year's schedule is published and loaded. A year without a row is provisional."""

    class Status(models.TextChoices):
        OFFICIAL = "official", _("Official")
        PROVISIONAL = "provisional", _("Provisional")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROVISIONAL, db_index=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[text.single_line])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "registry_calendaryear"  # its table from `registry` (state-only move)
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_official(self) -> bool:
        return self.status == self.Status.OFFICIAL


class CalendarChange(models.Model):
    """One change of the calendar: who, when, which days changed status, and its effect on deadlines.

    Append-only. `detail` holds what was asked (the day or year, old and new values, sync counts).
    `days` lists only the days whose working status changed, as
    {"day": "2027-10-08", "old": "working_day", "new": "day_off"}; a change of a note alone lists none.
    The id is the calendar's version stamp: every process reloads its cached calendar when it grows.
    """

    class Action(models.TextChoices):
        DAY_SET = "day_set", _("Day set")
        DAY_DELETED = "day_deleted", _("Day deleted")
        YEAR_STATUS = "year_status", _("Year status changed")
        SYNC = "sync", _("Synchronised from chinese-calendar")

    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system made the change (sync_workdays)."),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    days = models.JSONField(_("days whose status changed"), default=list, blank=True)
    deadlines_recomputed = models.PositiveIntegerField(
        _("deadlines recomputed"),
        null=True,
        blank=True,
        help_text=_("Filled in after the change is committed; empty if the recomputation has not run."),
    )

    class Meta:
        db_table = "registry_calendarchange"  # its table from `registry` (state-only move)
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.get_action_display()}"
