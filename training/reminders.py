"""Shortfall reminders: on 1 October and 1 December each employer learns which of its holders are short of
continuing education for the year, and by how much (issue 15).

Once per employer and reminder date: the `ShortfallReminder` row (unique on employer and date) and the
e-mail in the registry's outbox are written in one transaction, so a second run (a retry, a second worker,
the management command) finds the row and sends nothing, and a message is never lost once recorded
(docs/decisions/0050-notification-outbox.md). The task runs every day and acts only in the
`CATCH_UP_DAYS` from a reminder date: on the date itself, or in the days after it when the scheduler or
the workers were down that day; on any other day it does nothing.

A holder belongs to the employer their registration named last in the year (training.selectors); the
hours required are those of the whole year (pro rata if registered in part), so the shortfall is what they
still need by 31 December. Only confirmed hours count; hours awaiting confirmation are mentioned apart.
Messages are in Chinese whatever language is active, and carry names, never ID numbers.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people.models import Employer
from registry.advisories import hours_text
from registry.services.notifications import notification_queue_email
from registry.services.reminders import employer_emails

from .models import ShortfallReminder
from .selectors import YearCompliance, yearly_compliance

REMINDER_DATES = ((10, 1), (12, 1))  # (month, day)
CATCH_UP_DAYS = 7


def reminder_date_due(today: dt.date) -> dt.date | None:
    """The reminder date whose reminders are due on `today`: the latest one not after today, if today is
    within CATCH_UP_DAYS of it; None on every other day."""
    dates = [dt.date(today.year, month, day) for month, day in REMINDER_DATES]
    passed = [d for d in dates if d <= today]
    if not passed:
        return None
    latest = max(passed)
    return latest if (today - latest).days < CATCH_UP_DAYS else None


def reminders_send_shortfall(*, today: dt.date | None = None) -> int:
    """Remind each employer with holders short for the year, once per reminder date; returns how many
    employers were reminded now (0 on a day no reminder is due, or when all were reminded already).

    Reads every holder's year in two queries (training.selectors.yearly_compliance), then writes one
    transaction per employer not yet reminded."""
    today = today or timezone.localdate()
    due = reminder_date_due(today)
    if due is None:
        return 0
    short: dict[int, list[YearCompliance]] = defaultdict(list)
    for row in yearly_compliance(years=[due.year]):
        if not row.complies:
            short[row.employer_id].append(row)
    if not short:
        return 0
    done = set(
        ShortfallReminder.objects.filter(reminder_date=due, employer_id__in=list(short)).values_list(
            "employer_id", flat=True
        )
    )
    employers = Employer.objects.in_bulk([pk for pk in short if pk not in done])
    sent = 0
    for employer_id, employer in sorted(employers.items()):
        sent += shortfall_remind_employer(employer=employer, rows=short[employer_id], reminder_date=due)
    return sent


@transaction.atomic
def shortfall_remind_employer(
    *, employer: Employer, rows: list[YearCompliance], reminder_date: dt.date
) -> int:
    """Record the reminder and put its e-mail in the outbox, together; 1 if this call did, 0 if the
    employer was already reminded on that date."""
    reminder, created = ShortfallReminder.objects.get_or_create(
        employer=employer,
        reminder_date=reminder_date,
        defaults={"year": reminder_date.year, "holders": len(rows)},
    )
    if not created:
        return 0
    recipients = employer_emails(employer)
    if recipients:
        subject, body = shortfall_message(employer=employer, rows=rows, reminder_date=reminder_date)
        reminder.notification = notification_queue_email(
            key=f"training-shortfall:{reminder_date.isoformat()}:employer:{employer.pk}",
            to=recipients,
            subject=subject,
            body=body,
        )
        reminder.save(update_fields=["notification"])
    return 1


def shortfall_message(
    *, employer: Employer, rows: list[YearCompliance], reminder_date: dt.date
) -> tuple[str, str]:
    """Subject and body, in Chinese: each holder short, with the hours required, confirmed, professional,
    awaiting confirmation, and what is still missing."""
    year = reminder_date.year
    with translation.override("zh-hans"):
        subject = ngettext(
            "Continuing education %(year)s: %(count)d holder still short",
            "Continuing education %(year)s: %(count)d holders still short",
            len(rows),
        ) % {"year": year, "count": len(rows)}
        lines = [
            _("Dear %(employer)s,") % {"employer": employer.name},
            "",
            _(
                "As of %(date)s these registered metrologists of your enterprise have not yet completed "
                "the continuing education required for %(year)s (90 hours a year, at least two thirds in "
                "professional subjects, pro rata for part of a year). Only hours confirmed by the "
                "association count."
            )
            % {"date": reminder_date.isoformat(), "year": year},
            "",
        ]
        for row in sorted(rows, key=lambda r: (r.person_name, r.person_id)):
            shortfall = row.shortfall
            values = {
                "name": row.person_name,
                "required": hours_text(row.required),
                "total": hours_text(row.total),
                "professional": hours_text(row.professional),
                "short": hours_text(shortfall.hours),
                "short_professional": hours_text(shortfall.professional),
                "pending": hours_text(row.pending),
            }
            if shortfall.professional:
                line = (
                    _(
                        "%(name)s: %(total)s of %(required)s hours confirmed "
                        "(%(professional)s professional); %(short)s hours still needed, of which at least "
                        "%(short_professional)s professional."
                    )
                    % values
                )
            else:
                line = (
                    _(
                        "%(name)s: %(total)s of %(required)s hours confirmed "
                        "(%(professional)s professional); %(short)s hours still needed."
                    )
                    % values
                )
            if row.pending:
                line += " " + _("%(pending)s hours await confirmation.") % values
            lines.append(f"- {line}")
        lines += [
            "",
            _(
                "Record the hours in the registry portal; a shortfall is noted when the registration is "
                "renewed."
            ),
            "",
            _("Heilongjiang Metrology Association"),
        ]
    return subject, "\n".join(lines)
