"""Registration certificates: numbering, issuance per application kind, revocation and expiry.

Numbers are unique and gap-free per (year of issue, level): a counter row per pair is locked with
`select_for_update` while a number is drawn, inside the issuing transaction, so concurrent issuers
queue on it and a rolled-back issuance gives its number back.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from accounts.models import User
from common.changefeed import change_sequences_next
from common.uploads import validate_material_file
from people.models import Employer
from registry.eligibility import renewal_pending_q
from registry.models import (
    Application,
    CertificateChange,
    CertificateChangeCounter,
    CertificateChangeKind,
    CertificateCounter,
    RegistrationCertificate,
)
from registry.models.certificate import certificate_number, validity_end
from registry.services.audit import audit_record
from registry.services.reminders import (
    certificate_departure_notify_staff_queue,
    certificate_notify_former_employer_queue,
)
from registry.verification import verification_page_forget
from registry.workflow import ApplicationKind, CertificateState, LapseReason


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


def _change_record(
    certificate: RegistrationCertificate, kind: CertificateChangeKind, sequence: int | None = None
) -> None:
    """Append to the change feed, in the transaction that makes the change (common/changefeed.py)."""
    if sequence is None:
        [sequence] = change_sequences_next(CertificateChangeCounter)
    CertificateChange.objects.create(sequence=sequence, certificate=certificate, kind=kind)


# What a new certificate is to a partner that syncs: a first registration, a change or a renewal.
_NEW_CHANGE_KIND = {
    ApplicationKind.INITIAL: CertificateChangeKind.ISSUED,
    ApplicationKind.RENEWAL: CertificateChangeKind.RENEWED,
}
# The change each transition of a certificate's state machine appends to the feed.
_END_CHANGE_KIND = {
    "supersede": CertificateChangeKind.SUPERSEDED,
    "cancel": CertificateChangeKind.CANCELLED,
    "revoke": CertificateChangeKind.REVOKED,
    "expire": CertificateChangeKind.EXPIRED,
    "lapse": CertificateChangeKind.LAPSED,
    "suspend": CertificateChangeKind.SUSPENDED,
    "reinstate": CertificateChangeKind.REINSTATED,
}


def _new_certificate(
    *,
    application: Application,
    on: dt.date,
    valid_from: dt.date,
    valid_until: dt.date,
    previous: RegistrationCertificate | None = None,
) -> RegistrationCertificate:
    # The feed's counter before the number's counter, as `_end` does: one lock order, no deadlock.
    [change_sequence] = change_sequences_next(CertificateChangeCounter)
    sequence = certificate_sequence_next(year=on.year, level=application.level)
    # The employer's name today is the one this certificate keeps (a later rename does not reprint it).
    employer_name = Employer.objects.values_list("name", flat=True).get(pk=application.employer_id)
    certificate = RegistrationCertificate.objects.create(
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
    kind = _NEW_CHANGE_KIND.get(ApplicationKind(application.kind), CertificateChangeKind.CHANGED)
    _change_record(certificate, kind, change_sequence)
    return certificate


_WITH_REASON = frozenset({"revoke", "suspend", "reinstate"})


def _end(
    certificate: RegistrationCertificate,
    name: str,
    *,
    on: dt.date,
    by: User | None,
    reason: str = "",
    extra: dict | None = None,
    detail: dict | None = None,
) -> None:
    from_state = certificate.state
    kwargs = {"on": on, "reason": reason} if name in _WITH_REASON else {"on": on}
    kwargs.update(extra or {})
    try:
        getattr(certificate, name)(**kwargs)
    except TransitionNotAllowed:
        raise ValidationError(
            _("The registration certificate %(number)s is “%(state)s” and can no longer change.")
            % {"number": certificate.number, "state": certificate.get_state_display()},
            code="certificate_not_valid",
        ) from None
    certificate.save()
    _change_record(certificate, _END_CHANGE_KIND[name])
    # Its signed PDF stays as it was signed (the state is told by /verify/, the admin and the portal);
    # its cached public page now shows the wrong state: forget it.
    token = certificate.verification_token
    transaction.on_commit(lambda: verification_page_forget(token))
    audit_record(
        certificate=certificate,
        transition=name,
        from_state=from_state,
        to_state=certificate.state,
        by=by,
        comment=reason,
        detail=detail,
    )


def certificate_issue_for(
    *, application: Application, on: dt.date, by: User
) -> RegistrationCertificate | None:
    """What issuing `application` does to certificates, per kind (inside the issuing transaction):

    - initial: a new certificate valid 5 years from the issue date;
    - change of specialty or employer name: the old one is superseded, the new one keeps its expiry;
    - change of employer: the same, the new one naming the new employer, and the old employer is told
      (it no longer holds the registration: its holder list and downloads drop the old certificate);
    - renewal: the new one runs 5 years from the day after the old one's last day, even when issued
      after it (the registration ran on while the renewal was decided: no gap); the old one is superseded
      now if the new one has started, else it stays valid to its last day and the daily sweep supersedes
      it the day the new one starts (issued early: no gap either; docs/decisions/0090);
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

    if kind == ApplicationKind.RENEWAL:
        start = old.valid_until + dt.timedelta(days=1)
        if start <= on:
            _end(old, "supersede", on=on, by=by)
        new = _new_certificate(
            application=application, on=on, valid_from=start, valid_until=validity_end(start), previous=old
        )
    else:
        _end(old, "supersede", on=on, by=by)
        new = _new_certificate(
            application=application, on=on, valid_from=on, valid_until=old.valid_until, previous=old
        )
    projects = set(old.projects.values_list("pk", flat=True))
    if kind == ApplicationKind.CHANGE_SPECIALTY:
        projects |= set(application.projects.values_list("pk", flat=True))
    new.projects.set(projects)
    if kind == ApplicationKind.CHANGE_EMPLOYER:
        certificate_notify_former_employer_queue(certificate=old, new=new)
    return new


def _with_reason(
    certificate: RegistrationCertificate, name: str, *, by: User, reason: str, missing: str
) -> RegistrationCertificate:
    """Lock, then make transition `name` today with staff's written reason (`missing` if none given)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(missing, code="reason_required")
    locked = RegistrationCertificate.objects.select_for_update().get(pk=certificate.pk)
    _end(locked, name, on=timezone.localdate(), by=by, reason=reason)
    return locked


@transaction.atomic
def certificate_revoke(
    *, certificate: RegistrationCertificate, by: User, reason: str
) -> RegistrationCertificate:
    """Association staff withdraw a valid or suspended certificate (撤销), with the reason on record."""
    missing = _("Give the reason for revoking the certificate.")
    return _with_reason(certificate, "revoke", by=by, reason=reason, missing=missing)


@transaction.atomic
def certificate_suspend(
    *, certificate: RegistrationCertificate, by: User, reason: str
) -> RegistrationCertificate:
    """Association staff suspend a valid registration (暂停), with the reason on record: not valid on
    /verify/ or in its PDF until reinstated. Usually a measure from a spot check (supervision)."""
    missing = _("Give the reason for suspending the registration.")
    return _with_reason(certificate, "suspend", by=by, reason=reason, missing=missing)


@transaction.atomic
def certificate_reinstate(
    *, certificate: RegistrationCertificate, by: User, reason: str
) -> RegistrationCertificate:
    """Association staff end a suspension (e.g. the misuse was rectified), with the reason on record."""
    missing = _("Give the reason for reinstating the registration.")
    return _with_reason(certificate, "reinstate", by=by, reason=reason, missing=missing)


@transaction.atomic
def certificate_lapse(
    *,
    certificate: RegistrationCertificate,
    by: User,
    reason: str,
    lapsed_on: dt.date,
    note: str,
    evidence: UploadedFile | None,
) -> RegistrationCertificate:
    """Association staff record that a registration lapsed by law (注册失效): the holder died, lost civil
    capacity, was declared missing, or left the employer without moving to another. With the reason,
    the day of the event (not in the future, not before the certificate's validity), a note and the
    evidence, checked by content like every material. Public on /verify/: the reason category only."""
    if reason not in LapseReason.values:
        raise ValidationError(_("Choose why the registration lapsed."), code="lapse_reason")
    if evidence is None:
        raise ValidationError(_("Attach the evidence of the lapse."), code="evidence_required")
    validate_material_file(evidence)
    locked = RegistrationCertificate.objects.select_for_update().get(pk=certificate.pk)
    today = timezone.localdate()
    if lapsed_on > today or lapsed_on < locked.valid_from:
        raise ValidationError(
            _("The date of the lapse must lie between %(start)s and today.") % {"start": locked.valid_from},
            code="lapse_date",
        )
    _end(
        locked,
        "lapse",
        on=lapsed_on,
        by=by,
        reason=(note or "").strip(),
        extra={"reason": reason, "note": (note or "").strip()},
        detail={"lapse_reason": reason, "lapsed_on": lapsed_on.isoformat()},
    )
    locked.lapse_evidence.save(evidence.name, evidence, save=False)
    locked.save(update_fields=["lapse_evidence"])
    return locked


@transaction.atomic
def certificate_report_departure(
    *, certificate: RegistrationCertificate, by: User, left_on: dt.date, note: str = ""
) -> RegistrationCertificate:
    """The employer the certificate names reports that the holder left it (optional, issue 14 item 7).

    Nothing ends here: the report goes on the certificate's history and to association staff, who
    confirm it by recording the lapse (reason "left the employer without a move", with the employer's
    statement as evidence) unless a change of employer is on its way. The caller scopes `certificate`
    to the user's employer; this checks it again."""
    locked = RegistrationCertificate.objects.select_for_update().get(pk=certificate.pk)
    if by.employer_id != locked.employer_id or locked.state != CertificateState.VALID:
        raise ValidationError(
            _("Only the employer a valid certificate names can report that its holder left."),
            code="not_your_holder",
        )
    if left_on > timezone.localdate() or left_on < locked.valid_from:
        raise ValidationError(
            _("The date of leaving must lie between %(start)s and today.") % {"start": locked.valid_from},
            code="departure_date",
        )
    note = (note or "").strip()
    entry = audit_record(
        certificate=locked,
        transition="report_departure",
        from_state=locked.state,
        to_state=locked.state,
        by=by,
        comment=note,
        detail={"left_on": left_on.isoformat()},
    )
    certificate_departure_notify_staff_queue(certificate=locked, left_on=left_on, entry_id=entry.pk)
    return locked


def certificates_supersede_started(*, today: dt.date | None = None) -> int:
    """Sweep: supersede every valid certificate whose successor (a renewal issued early) has started,
    on the day it started; returns how many. Until then the old one was the valid one (no gap)."""
    today = today or timezone.localdate()
    rows = list(
        RegistrationCertificate.objects.filter(
            state=CertificateState.VALID, successor__valid_from__lte=today
        ).values_list("pk", "successor__valid_from")
    )
    count = 0
    for pk, started in rows:
        with transaction.atomic():
            locked = RegistrationCertificate.objects.select_for_update().get(pk=pk)
            if locked.state != CertificateState.VALID:
                continue
            _end(locked, "supersede", on=started, by=None)
            count += 1
    return count


# A suspended registration's period runs on: it expires on the same day a valid one would.
_EXPIRING = (CertificateState.VALID, CertificateState.SUSPENDED)


def certificates_expire(*, today: dt.date | None = None) -> int:
    """Sweep: mark expired every valid or suspended certificate whose last valid day has passed; returns
    how many.

    First supersedes those whose renewal has started (`certificates_supersede_started`): they end by
    renewal, not by expiry. Spares a certificate whose renewal, applied for in time, is still being
    decided (art. 50): it stays valid until the decision; if the renewal ends without a new certificate
    (denied, not accepted, withdrawn), the next sweep expires it.
    """
    today = today or timezone.localdate()
    certificates_supersede_started(today=today)
    ids = list(
        RegistrationCertificate.objects.filter(state__in=_EXPIRING, valid_until__lt=today)
        .exclude(renewal_pending_q())
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in ids:
        with transaction.atomic():
            locked = RegistrationCertificate.objects.select_for_update().get(pk=pk)
            if locked.state not in _EXPIRING or (
                RegistrationCertificate.objects.filter(renewal_pending_q(), pk=pk).exists()
            ):
                continue  # ended meanwhile, or a renewal was applied for meanwhile
            _end(locked, "expire", on=today, by=None)
            count += 1
    return count
