"""The e-mail that tells an employer the association verified its sign-up, or refused it with the reason.

people.services.employer_verify / employer_refuse send `people.signals.employer_decided` inside their
transaction (people may not import the registry, docs/decisions/0080); the receiver here puts the e-mail in
the outbox in that same transaction, so it is sent after commit or not at all. Recipients: the employer's
contact e-mail and its active users' e-mails (registry.services.reminders.employer_emails).
"""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from people.models import Employer
from registry.models import NotificationLog
from registry.services.notifications import notification_queue_email
from registry.services.reminders import employer_emails


def _message(employer: Employer, *, verified: bool, reason: str) -> tuple[str, str]:
    with translation.override("zh-hans"):
        portal = settings.SITE_URL + reverse("portal:home")
        values = {"employer": employer.name, "uscc": employer.uscc, "portal": portal}
        if verified:
            subject = _("Your employer is verified: %(employer)s") % values
            middle = [
                _(
                    "The Heilongjiang Metrology Association has verified your employer %(employer)s "
                    "(unified social credit code %(uscc)s). Your accounts may now add applicants and submit "
                    "applications in the portal:"
                )
                % values,
                portal,
            ]
        else:
            subject = _("Your employer was not verified: %(employer)s") % values
            middle = [
                _(
                    "The Heilongjiang Metrology Association did not verify your employer %(employer)s "
                    "(unified social credit code %(uscc)s), for this reason:"
                )
                % values,
                "",
                reason,
                "",
                _(
                    "Correct what the reason names, then call the association and give your unified "
                    "social credit code to have your employer verified again. The reason is also shown in "
                    "the portal:"
                ),
                portal,
            ]
        body = "\n".join(
            [
                _("Dear %(employer)s,") % values,
                "",
                *middle,
                "",
                _("Heilongjiang Metrology Association"),
            ]
        )
    return subject, body


def employer_decision_notify_queue(
    sender: object, *, employer: Employer, verified: bool, reason: str, at: dt.datetime, **kwargs: object
) -> NotificationLog | None:
    """Receiver of `employer_decided`: queue the e-mail in the decision's transaction. One per decision
    (key `employer:<id>:verified|refused:<when>`); None when the employer has no e-mail address."""
    recipients = employer_emails(employer)
    if not recipients:
        return None
    subject, body = _message(employer, verified=verified, reason=reason)
    outcome = "verified" if verified else "refused"
    return notification_queue_email(
        key=f"employer:{employer.pk}:{outcome}:{at.isoformat()}", to=recipients, subject=subject, body=body
    )
