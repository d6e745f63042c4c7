"""Reminders about the yearly report (issue 17): the association on 20 December, 3 January and 8 January
while the year's report is not submitted, and the bureau once 10 January has passed without one.

"Submitted" means a version the bureau has not returned: one awaiting its answer or acknowledged. Like the
other reminders (training.reminders), the task runs every day and acts only within CATCH_UP_DAYS of a
reminder date, once per year, date and audience (the `ReportReminder` row, unique, written in the same
transaction as the e-mail in the outbox), so a retry, a second worker or a missed day sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from registry.services.notifications import notification_queue_email

from .models import AnnualReport, ReportReminder, ReportVersion, VersionState
from .services import role_emails

# (month, day, the year reported on relative to the reminder's year, audience)
SCHEDULE = (
    (12, 20, 0, ReportReminder.Audience.ASSOCIATION),
    (1, 3, -1, ReportReminder.Audience.ASSOCIATION),
    (1, 8, -1, ReportReminder.Audience.ASSOCIATION),
    (1, 11, -1, ReportReminder.Audience.BUREAU),  # the first day after the 10 January deadline
)
CATCH_UP_DAYS = 7


def reminder_due(today: dt.date) -> tuple[dt.date, int, str] | None:
    """(reminder date, year reported on, audience) of the reminder due on `today`: the latest reminder date
    not after today, if within CATCH_UP_DAYS of it; None on any other day."""
    candidates = []
    for year in (today.year - 1, today.year):
        for month, day, offset, audience in SCHEDULE:
            date = dt.date(year, month, day)
            if date <= today and (today - date).days < CATCH_UP_DAYS:
                candidates.append((date, year + offset, str(audience)))
    return max(candidates) if candidates else None


def report_is_submitted(year: int) -> bool:
    return ReportVersion.objects.filter(
        report__year=year, state__in=(VersionState.SUBMITTED, VersionState.ACKNOWLEDGED)
    ).exists()


def reminders_send_report(*, today: dt.date | None = None) -> int:
    """Send the reminder due today, if any and if the report is still not submitted; 1 if sent now."""
    today = today or timezone.localdate()
    due = reminder_due(today)
    if due is None:
        return 0
    date, year, audience = due
    if report_is_submitted(year):
        return 0
    return _remind(date=date, year=year, audience=audience)


@transaction.atomic
def _remind(*, date: dt.date, year: int, audience: str) -> int:
    role = Role.ASSOCIATION if audience == ReportReminder.Audience.ASSOCIATION else Role.BUREAU
    recipients = role_emails(role)
    _reminder, created = ReportReminder.objects.get_or_create(
        year=year, reminder_date=date, audience=audience, defaults={"recipients": len(recipients)}
    )
    if not created:
        return 0
    due_on = AnnualReport(year=year).due_on
    with translation.override("zh-hans"):
        if role == Role.ASSOCIATION:
            subject = _("Reminder: the report on %(year)s is due by %(due)s")
            body = _(
                "The report on the registration of enterprise registered metrologists in %(year)s has not "
                "been submitted to the provincial market supervision bureau yet. The pilot plan asks for it "
                "by %(due)s. Open the draft in the registry (reports), complete the written part, check the "
                "figures and submit it."
            )
        else:
            subject = _("The report on %(year)s was not submitted by %(due)s")
            body = _(
                "The metrology association has not submitted its report on the registration of enterprise "
                "registered metrologists in %(year)s, due by %(due)s. The registry will tell you as soon as "
                "it is submitted."
            )
        values = {"year": year, "due": due_on.isoformat()}
        if recipients:
            notification_queue_email(
                key=f"report-reminder:{year}:{date.isoformat()}:{audience}",
                to=recipients,
                subject=subject % values,
                body=body % values,
            )
    return 1
