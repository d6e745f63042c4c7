"""Registration certificates: numbering, issuance per application kind, revocation and expiry.

Numbers are unique and gap-free per (year of issue, level): a counter row per pair is locked with
`select_for_update` while a number is drawn, inside the issuing transaction, so concurrent issuers
queue on it and a rolled-back issuance gives its number back.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from accounts.models import User
from people.models import Employer
from registry.models import Application, CertificateCounter, RegistrationCertificate
from registry.models.certificate import certificate_number, validity_end
from registry.services.audit import audit_record
from registry.services.certificate_pdfs import certificate_pdf_enqueue_on_commit
from registry.verification import verification_page_forget
from registry.workflow import ApplicationKind, CertificateState


def certificate_sequence_next(*, year: int, level: int) -> int:
    """The next sequence for (year, level). Must run inside the transaction that uses it."""
    # ON CONFLICT DO NOTHING: two first issuers of a year both try to create the row; neither fails.
    CertificateCounter.objects.bulk_create(
        [CertificateCounter(year=year, level=level, last=0)], ignore_conflicts=True
    )
    counter = CertificateCounter.objects.select_for_update().get(year=year, level=level)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _new_certificate(
    *,
    application: Application,
    on: dt.date,
    valid_from: dt.date,
    valid_until: dt.date,
    previous: RegistrationCertificate | None = None,
) -> RegistrationCertificate:
    sequence = certificate_sequence_next(year=on.year, level=application.level)
    # The employer's name today is the one this certificate keeps (a later rename does not reprint it).
    employer_name = Employer.objects.values_list("name", flat=True).get(pk=application.employer_id)
    return RegistrationCertificate.objects.create(
        number=certificate_number(year=on.year, level=application.level, sequence=sequence),
        year=on.year,
        sequence=sequence,
        person_id=application.person_id,
        employer_id=application.employer_id,
        employer_name=employer_name,
        level=application.level,
        issued_on=on,
        valid_from=valid_from,
        valid_until=valid_until,
        application=application,
        previous=previous,
    )


def _end(
    certificate: RegistrationCertificate, name: str, *, on: dt.date, by: User | None, reason: str = ""
) -> None:
    from_state = certificate.state
    kwargs = {"on": on, "reason": reason} if name == "revoke" else {"on": on}
    try:
        getattr(certificate, name)(**kwargs)
    except TransitionNotAllowed:
        raise ValidationError(
            _("The registration certificate %(number)s is “%(state)s” and can no longer change.")
            % {"number": certificate.number, "state": certificate.get_state_display()},
            code="certificate_not_valid",
        ) from None
    certificate.save()
    # Its PDF and its public page now show the wrong state: regenerate the one, forget the other.
    certificate_pdf_enqueue_on_commit(certificate.pk)
    token = certificate.verification_token
    transaction.on_commit(lambda: verification_page_forget(token))
    audit_record(
        certificate=certificate,
        transition=name,
        from_state=from_state,
        to_state=certificate.state,
        by=by,
        comment=reason,
    )


def certificate_issue_for(
    *, application: Application, on: dt.date, by: User
) -> RegistrationCertificate | None:
    """What issuing `application` does to certificates, per kind (inside the issuing transaction):

    - initial: a new certificate valid 5 years from the issue date;
    - change of specialty or employer name: the old one is superseded, the new one keeps its expiry;
    - renewal: the old one is superseded, the new one runs 5 years on from the old expiry;
    - cancellation: the old one is cancelled, nothing new.
    """
    kind = application.kind
    if kind == ApplicationKind.INITIAL:
        new = _new_certificate(application=application, on=on, valid_from=on, valid_until=validity_end(on))
        new.projects.set(application.projects.all())
        return new

    if application.target_certificate_id is None:
        raise ValidationError(_("Choose the registration certificate this application concerns."))
    old = RegistrationCertificate.objects.select_for_update().get(pk=application.target_certificate_id)
    if kind == ApplicationKind.CANCELLATION:
        _end(old, "cancel", on=on, by=by)
        return None

    _end(old, "supersede", on=on, by=by)
    if kind == ApplicationKind.RENEWAL:
        start = max(on, old.valid_until + dt.timedelta(days=1))
        new = _new_certificate(
            application=application, on=on, valid_from=start, valid_until=validity_end(start), previous=old
        )
    else:
        new = _new_certificate(
            application=application, on=on, valid_from=on, valid_until=old.valid_until, previous=old
        )
    projects = set(old.projects.values_list("pk", flat=True))
    if kind == ApplicationKind.CHANGE_SPECIALTY:
        projects |= set(application.projects.values_list("pk", flat=True))
    new.projects.set(projects)
    return new


@transaction.atomic
def certificate_revoke(
    *, certificate: RegistrationCertificate, by: User, reason: str
) -> RegistrationCertificate:
    """Association staff withdraw a valid certificate (撤销), with the reason on record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for revoking the certificate."), code="reason_required")
    locked = RegistrationCertificate.objects.select_for_update().get(pk=certificate.pk)
    _end(locked, "revoke", on=timezone.localdate(), by=by, reason=reason)
    return locked


def certificates_expire(*, today: dt.date | None = None) -> int:
    """Sweep: mark expired every valid certificate whose last valid day has passed; returns how many."""
    today = today or timezone.localdate()
    ids = list(
        RegistrationCertificate.objects.filter(
            state=CertificateState.VALID, valid_until__lt=today
        ).values_list("pk", flat=True)
    )
    count = 0
    for pk in ids:
        with transaction.atomic():
            locked = RegistrationCertificate.objects.select_for_update().get(pk=pk)
            if locked.state != CertificateState.VALID:
                continue
            _end(locked, "expire", on=today, by=None)
            count += 1
    return count
