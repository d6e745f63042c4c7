"""Reminders and notifications: the staff digest, the employer's e-mails, certificate-expiry reminders.

Every message goes through registry/services/notifications.py under a key that names the event and the
recipient, so a task that runs twice (a retry, a redelivery after a worker died) sends nothing twice. The
employer's e-mail about a transition is written to the outbox in the transition's transaction; the
periodic reminders are sent from their tasks. Messages to employers and holders are in Chinese whatever
language is active. Resident ID numbers never appear in them (the notification log masks any that would).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from people.models import Employer
from registry.advisories import Advisory, advisories_from, training_years_for
from registry.materials import MaterialKind
from registry.models import Application, AuditEntry, NotificationLog, RegistrationCertificate
from registry.services.certificate_pdfs import staff_emails
from registry.services.notifications import (
    notification_queue_email,
    notification_send_email_once,
    notification_send_sms_once,
)
from registry.workflow import OPEN_DEADLINE_FIELD, CertificateState, action_label, state_label
from workdays.working_days import add_working_days

DIGEST_SOON_WORKING_DAYS = 2
EXPIRY_THRESHOLDS_DAYS = (90, 30)


def _today() -> dt.date:
    return timezone.localdate()


# --- the daily digest to association staff ------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    on: dt.date
    due_today: list[Application]
    due_soon: list[Application]  # after today, up to the end of the 2nd working day
    overdue: list[Application]

    @property
    def is_empty(self) -> bool:
        return not (self.due_today or self.due_soon or self.overdue)


def _open_applications() -> QuerySet[Application]:
    return Application.objects.filter(state__in=list(OPEN_DEADLINE_FIELD)).select_related(
        "person", "employer"
    )


def applications_digest(*, on: dt.date) -> Digest:
    """The three sections of the digest, one indexed query each (state + current_due_on)."""
    soon_until = add_working_days(on, DIGEST_SOON_WORKING_DAYS)
    order = ("current_due_on", "pk")
    return Digest(
        on=on,
        due_today=list(_open_applications().filter(current_due_on=on).order_by(*order)),
        due_soon=list(
            _open_applications()
            .filter(current_due_on__gt=on, current_due_on__lte=soon_until)
            .order_by(*order)
        ),
        overdue=list(_open_applications().filter(current_due_on__lt=on).order_by(*order)),
    )


def _digest_line(application: Application) -> str:
    return _("%(number)s  %(person)s  %(employer)s  %(state)s, due %(due)s") % {
        "number": application.number,
        "person": application.person.name,
        "employer": application.employer.name,
        "state": application.get_state_display(),
        "due": application.current_due_on,
    }


def reminders_send_staff_digest(*, today: dt.date | None = None) -> int:
    """E-mail each association staff member the day's digest, once per day; returns how many sent.

    Nothing is sent on a day with nothing due or overdue.
    """
    today = today or _today()
    digest = applications_digest(on=today)
    recipients = staff_emails()
    if digest.is_empty or not recipients:
        return 0
    with translation.override("zh-hans"):
        subject = _("Applications due: %(date)s") % {"date": today.isoformat()}
        sections = []
        for title, rows in (
            (_("Overdue"), digest.overdue),
            (_("Due today"), digest.due_today),
            (_("Due within %(n)d working days") % {"n": DIGEST_SOON_WORKING_DAYS}, digest.due_soon),
        ):
            lines = [_digest_line(a) for a in rows] or [_("None.")]
            sections.append(f"{title} ({len(rows)})\n" + "\n".join(f"- {line}" for line in lines))
        body = "\n\n".join(sections)
    sent = 0
    for email in recipients:
        log = notification_send_email_once(
            key=f"digest:{today.isoformat()}:staff:{email}", to=email, subject=subject, body=body
        )
        sent += log.status == NotificationLog.Status.SENT
    return sent


# --- e-mails to the employer on every state change ---------------------------------------------------------


def employer_emails(employer: Employer) -> list[str]:
    """The employer's contact e-mail and its active users' e-mails, deduplicated, in a stable order."""
    User = get_user_model()
    emails = [employer.contact_email] if employer.contact_email else []
    emails += (
        User.objects.filter(employer=employer, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(e.strip() for e in emails if e.strip()))


def _employer_message(application: Application, entry: AuditEntry) -> tuple[str, str]:
    """Subject and body (in Chinese) telling the employer what the transition in `entry` did."""
    with translation.override("zh-hans"):
        values = {
            "number": application.number,
            "person": application.person.name,
            "kind": application.get_kind_display(),
            "action": action_label(entry.transition),
            "state": state_label(entry.to_state),
            "date": timezone.localdate(entry.at).isoformat(),
        }
        subject = _("Application %(number)s (%(person)s): %(state)s") % values
        lines = [
            _("Dear %(employer)s,") % {"employer": application.employer.name},
            "",
            _(
                "The %(kind)s application %(number)s for %(person)s changed on %(date)s: "
                "%(action)s. It is now “%(state)s”."
            )
            % values,
        ]
        if entry.transition == "request_corrections":
            lines += ["", _("Supply all of the following at once, then resubmit the application:")]
            items = entry.detail.get("items") or application.correction_items
            labels = [str(MaterialKind(item).label) for item in items if item in MaterialKind.values]
            lines += [f"- {label}" for label in labels]
            note = entry.comment or application.correction_note
            if note:
                lines += ["", _("Note from the association: %(note)s") % {"note": note}]
        elif entry.comment:
            lines += ["", _("Reason: %(reason)s") % {"reason": entry.comment}]
        if application.current_due_on and entry.to_state in OPEN_DEADLINE_FIELD:
            lines += [
                "",
                _("The association decides by %(date)s.") % {"date": application.current_due_on.isoformat()},
            ]
        lines += ["", _("Heilongjiang Metrology Association")]
    return subject, "\n".join(lines)


def _employer_key(application: Application, entry: AuditEntry) -> str:
    return f"application:{application.pk}:{entry.pk}:employer"


def application_notify_employer_queue(
    *, application: Application, entry: AuditEntry
) -> NotificationLog | None:
    """Put the employer's e-mail about this transition in the outbox, in the transition's own transaction:
    it commits with the transition or not at all, and is delivered after commit (or by the sweep).

    With the correction notice it lists every material to supply (their labels) and the note. One per
    audit row (key `application:<id>:<audit id>:employer`); None when the employer has no e-mail.
    """
    recipients = employer_emails(application.employer)
    if not recipients:
        return None
    subject, body = _employer_message(application, entry)
    return notification_queue_email(
        key=_employer_key(application, entry), to=recipients, subject=subject, body=body
    )


def application_notify_employer(*, application_id: int, audit_entry_id: int) -> NotificationLog | None:
    """The same e-mail, sent now (the `registry.notify_employer` task, for messages enqueued before the
    outbox existed). Once per audit row, under the same key as the outbox, so never twice."""
    application = Application.objects.select_related("person", "employer").get(pk=application_id)
    entry = AuditEntry.objects.get(pk=audit_entry_id, application_id=application_id)
    recipients = employer_emails(application.employer)
    if not recipients:
        return None
    subject, body = _employer_message(application, entry)
    return notification_send_email_once(
        key=_employer_key(application, entry), to=recipients, subject=subject, body=body
    )


def certificate_notify_former_employer_queue(
    *, certificate: RegistrationCertificate, new: RegistrationCertificate
) -> NotificationLog | None:
    """Tell the employer a holder left (变更执业单位) that the registration now runs through another
    employer, in the issuing transaction (the outbox): its link to the registration ends today. Says only
    what the old employer knew already (the holder, the old number) and the day; not the new employer.
    One per certificate (key `certificate:<old id>:moved:former_employer`); None without an e-mail."""
    recipients = employer_emails(certificate.employer)
    if not recipients:
        return None
    with translation.override("zh-hans"):
        values = {
            "number": certificate.number,
            "person": certificate.person.name,
            "date": new.issued_on.isoformat(),
        }
        subject = _("Registration %(number)s (%(person)s) moved to another employer") % values
        body = "\n".join(
            [
                _("Dear %(employer)s,") % {"employer": certificate.employer.name},
                "",
                _(
                    "On %(date)s %(person)s was re-registered through another employer (change of employer). "
                    "The registration certificate %(number)s held through your employer is no longer valid, "
                    "and the registration no longer runs through your employer."
                )
                % values,
                "",
                _("Heilongjiang Metrology Association"),
            ]
        )
    return notification_queue_email(
        key=f"certificate:{certificate.pk}:moved:former_employer", to=recipients, subject=subject, body=body
    )


def certificate_departure_notify_staff_queue(
    *, certificate: RegistrationCertificate, left_on: dt.date, entry_id: int
) -> NotificationLog | None:
    """Tell association staff that an employer reported a holder's departure, to confirm it by recording
    the lapse (or to wait for the change of employer). In the report's transaction (the outbox)."""
    recipients = staff_emails()
    if not recipients:
        return None
    with translation.override("zh-hans"):
        values = {
            "number": certificate.number,
            "employer": certificate.employer.name,
            "date": left_on.isoformat(),
        }
        subject = _("Departure reported: registration %(number)s") % values
        body = (
            _(
                "%(employer)s reports that the holder of the registration certificate %(number)s left on "
                "%(date)s. Record the lapse with the employer's statement as evidence, unless a change of "
                "employer is on its way."
            )
            % values
        )
    return notification_queue_email(
        key=f"certificate:{certificate.pk}:departure:{entry_id}", to=recipients, subject=subject, body=body
    )


# --- certificate-expiry reminders ----------------------------------------------------------------------


def _expiry_training_lines(advisories: Sequence[Advisory]) -> list[str]:
    """The years of the certificate's period short of continuing education so far, one line each."""
    if not advisories:
        return []
    return [
        "",
        _(
            "Continuing education short of the requirement (the renewal notes each such year; record "
            "missing hours before applying):"
        ),
        *(f"- {a.message}" for a in advisories),
    ]


def _expiry_window(today: dt.date, threshold: int) -> tuple[dt.date, dt.date]:
    """The expiry dates a threshold's reminder covers: within `threshold` days, beyond the next one's."""
    smaller = [t for t in EXPIRY_THRESHOLDS_DAYS if t < threshold]
    start = today + dt.timedelta(days=max(smaller) + 1) if smaller else today
    return start, today + dt.timedelta(days=threshold)


def reminders_send_certificate_expiry(*, today: dt.date | None = None) -> int:
    """Remind holders and employers of valid certificates expiring within 90 and within 30 days.

    A certificate gets each reminder once (key `certificate:<id>:expiry-<days>:<recipient role>`),
    however often this runs and even if a day was missed: the window is a range, not a single date.
    Returns how many e-mails and SMS were sent now.
    """
    today = today or _today()
    sent = 0
    for threshold in EXPIRY_THRESHOLDS_DAYS:
        start, end = _expiry_window(today, threshold)
        # A certificate already renewed (its successor starts when it ends, docs/decisions/0090) does not
        # expire: no reminder.
        certificates = RegistrationCertificate.objects.filter(
            state=CertificateState.VALID, valid_until__gte=start, valid_until__lte=end, successor__isnull=True
        ).select_related("person", "employer")
        done = set(
            NotificationLog.objects.filter(
                key__startswith="certificate:",
                key__endswith=f":expiry-{threshold}:employer",
                status=NotificationLog.Status.SENT,
            ).values_list("key", flat=True)
        )
        due = [c for c in certificates if f"certificate:{c.pk}:expiry-{threshold}:employer" not in done]
        # The years of each period short of continuing education so far, for all of them at once
        # (registry/advisories.py: empty without the ledger).
        years = training_years_for(due, on=today)
        for certificate in due:
            sent += _send_expiry_reminder(
                certificate, threshold, advisories=advisories_from(years.get(certificate.pk, []))
            )
    return sent


def _send_expiry_reminder(
    certificate: RegistrationCertificate, threshold: int, *, advisories: Sequence[Advisory] = ()
) -> int:
    person, employer = certificate.person, certificate.employer
    base = f"certificate:{certificate.pk}:expiry-{threshold}"
    with translation.override("zh-hans"):
        values = {
            "number": certificate.number,
            "person": person.name,
            "until": certificate.valid_until.isoformat(),
            "days": threshold,
        }
        subject = _("Registration certificate %(number)s expires on %(until)s") % values
        body = "\n".join(
            [
                _(
                    "The registration certificate %(number)s of %(person)s is valid until %(until)s "
                    "(within %(days)d days)."
                )
                % values,
                "",
                _(
                    "To keep the registration, the employer applies for renewal in the 30 working days "
                    "before it expires. The association reads the continuing-education hours recorded in "
                    "the registry."
                ),
                *_expiry_training_lines(advisories),
                "",
                _("Heilongjiang Metrology Association"),
            ]
        )
        sms = (
            _("Certificate %(number)s of %(person)s expires on %(until)s; apply for renewal in time.")
            % values
        )
    sent = 0
    to_employer = employer_emails(employer)
    if to_employer:
        log = notification_send_email_once(key=f"{base}:employer", to=to_employer, subject=subject, body=body)
        sent += log.status == NotificationLog.Status.SENT
    if person.email:
        log = notification_send_email_once(key=f"{base}:holder", to=person.email, subject=subject, body=body)
        sent += log.status == NotificationLog.Status.SENT
    if person.phone:
        log = notification_send_sms_once(key=f"{base}:holder-sms", to=person.phone, body=sms)
        sent += log.status == NotificationLog.Status.SENT
    return sent
