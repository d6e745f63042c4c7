"""Employers and their portal users: sign-up, the association's verification, renames, colleagues.

Each function is the one sanctioned way to make its change; views and admin actions only call them.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from audit.models import Action
from audit.services import audit_log
from common.text import multi_line, single_line
from people.models import Employer, EmployerNameChange
from people.signals import employer_decided
from people.validators import normalize_uscc

ALREADY_REGISTERED_MESSAGE = _(
    "This unified social credit code is already registered. Ask the colleague who registered your "
    "employer to add an account for you (page “Colleagues”), or contact the Heilongjiang Metrology "
    "Association."
)


class EmployerStatusError(Exception):
    """The employer's status does not allow this change now; the message says why."""


def _new_enterprise_user(
    *, employer: Employer, username: str, name: str, phone: str, email: str, password: str, by: User | None
) -> User:
    """The enterprise account, through the one path that checks who may create it and audits it."""
    return user_create(
        by=by,
        username=username,
        password=password,
        first_name=name,
        phone=phone,
        email=email,
        employer=employer,
        roles=[Role.ENTERPRISE],
    )


@transaction.atomic
def employer_sign_up(
    *,
    uscc: str,
    name: str,
    prefecture: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    username: str,
    password: str,
) -> User:
    """Create a pending employer and its first portal user together, or nothing at all.

    The signer declares the employer is not an authorised metrological verification institution; the
    association verifies the employer before its users may submit. Raises ValidationError (a code
    already registered, a taken username, a weak password) and then saves nothing.
    """
    uscc = normalize_uscc(uscc)
    if Employer.objects.filter(uscc=uscc).exists():
        raise ValidationError({"uscc": ALREADY_REGISTERED_MESSAGE}, code="uscc_registered")
    employer = Employer(
        uscc=uscc,
        name=name.strip(),
        prefecture=prefecture,
        address=address.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        is_authorised_verification_institution=False,
        status=Employer.Status.PENDING,
    )
    employer.full_clean()
    try:
        with transaction.atomic():
            employer.save()
    except IntegrityError as exc:  # two sign-ups of one code at the same moment: the second loses
        raise ValidationError({"uscc": ALREADY_REGISTERED_MESSAGE}, code="uscc_registered") from exc
    return _new_enterprise_user(
        employer=employer,
        username=username,
        name=contact_name.strip(),
        phone=contact_phone.strip(),
        email=contact_email.strip(),
        password=password,
        by=None,  # the employer signs itself up
    )


@transaction.atomic
def employer_verify(*, employer: Employer, by: User) -> Employer:
    """The association has checked the employer: its users may submit from now on.

    A pending, refused or suspended employer becomes active; `verified_by`/`verified_at` record who and
    when, and a former refusal's reason is cleared. An authorised verification institution is never
    verified (its staff are not eligible). The employer is told by e-mail (`employer_decided`).
    """
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.status == Employer.Status.ACTIVE:
        raise EmployerStatusError(_("%(name)s is already active.") % {"name": employer.name})
    if employer.is_authorised_verification_institution:
        raise EmployerStatusError(
            _(
                "%(name)s is marked as an authorised metrological verification institution; its staff are "
                "not eligible, so it cannot be verified."
            )
            % {"name": employer.name}
        )
    employer.status = Employer.Status.ACTIVE
    employer.verified_by = by
    employer.verified_at = timezone.now()
    employer.refusal_reason = ""
    employer.save(update_fields=["status", "verified_by", "verified_at", "refusal_reason"])
    employer_decided.send(
        sender=Employer, employer=employer, verified=True, reason="", at=employer.verified_at
    )
    return employer


@transaction.atomic
def employer_refuse(*, employer: Employer, by: User, reason: str) -> Employer:
    """The association will not verify the employer (a wrong credit code, an authorised verification
    institution, a business licence that does not match): it stays unable to submit, and its users read
    `reason` on the portal and in an e-mail (`employer_decided`).

    Only an employer awaiting verification is refused (an active one is suspended instead). The reason is
    required, plain text; a later verification (employer_verify) clears it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: the employer reads it.")}, code="required")
    multi_line(reason)
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.status != Employer.Status.PENDING:
        raise EmployerStatusError(
            _("%(name)s is not awaiting verification (%(status)s); only such an employer is refused.")
            % {"name": employer.name, "status": employer.get_status_display()}
        )
    employer.status = Employer.Status.REFUSED
    employer.refusal_reason = reason
    employer.save(update_fields=["status", "refusal_reason"])
    employer_decided.send(
        sender=Employer, employer=employer, verified=False, reason=reason, at=timezone.now()
    )
    return employer


@transaction.atomic
def employer_suspend(*, employer: Employer, by: User) -> Employer:
    """Stop the employer's users from submitting (they can still read their records)."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.status == Employer.Status.SUSPENDED:
        raise EmployerStatusError(_("%(name)s is already suspended.") % {"name": employer.name})
    employer.status = Employer.Status.SUSPENDED
    employer.save(update_fields=["status"])
    return employer


@transaction.atomic
def employer_rename(
    *, employer: Employer, new_name: str, changed_on: dt.date, by: User
) -> EmployerNameChange:
    """The employer's registered name changed (执业单位更名): record the change and take the new name.

    The one way an employer's name changes once it exists: the history keeps the old name (the name its
    certificates were issued under), the employer row takes the new one, and the audit trail records who
    recorded it. `changed_on` is the date on the business licence; it is not in the future and not before
    the last recorded change. Raises ValidationError (by field) and changes nothing when the input is wrong.
    """
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    new_name = " ".join((new_name or "").split())
    errors: dict[str, list[str]] = {}
    try:
        single_line(new_name)
    except ValidationError as error:
        errors["new_name"] = list(error.messages)
    if not new_name:
        errors["new_name"] = [str(_("Enter the employer's new name."))]
    elif new_name == employer.name:
        errors["new_name"] = [str(_("The new name is the same as the current name."))]
    elif len(new_name) > (Employer._meta.get_field("name").max_length or 0):
        errors["new_name"] = [str(_("The name is too long (at most 200 characters)."))]
    last = employer.name_changes.order_by("-changed_on", "-pk").first()
    if changed_on > timezone.localdate():
        errors["changed_on"] = [str(_("The date of the change cannot be in the future."))]
    elif last is not None and changed_on < last.changed_on:
        errors["changed_on"] = [
            str(
                _("The last recorded change was on %(date)s; this one cannot be earlier.")
                % {"date": last.changed_on}
            )
        ]
    if errors:
        raise ValidationError(errors)
    change = EmployerNameChange.objects.create(
        employer=employer, old_name=employer.name, new_name=new_name, changed_on=changed_on
    )
    employer.name = new_name
    employer.save(update_fields=["name"])
    audit_log(
        action=Action.EMPLOYER_RENAMED,
        actor=by,
        target=employer,
        target_label=new_name,
        detail={"old": change.old_name, "new": new_name, "changed_on": changed_on.isoformat()},
    )
    return change


@transaction.atomic
def employer_user_add(
    *, employer: Employer, username: str, name: str, phone: str, password: str, by: User
) -> User:
    """A colleague's portal account, linked to `employer` (the adding user's own; the view sees to it).

    Raises EmployerStatusError for a suspended employer and ValidationError for a taken username or a
    weak password; nothing is saved then.
    """
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if by.employer_id != employer.pk and not by.is_superuser:
        raise EmployerStatusError(_("You may add users only to your own employer."))
    if employer.status == Employer.Status.SUSPENDED:
        raise EmployerStatusError(
            _("Your employer is suspended; contact the Heilongjiang Metrology Association.")
        )
    return _new_enterprise_user(
        employer=employer,
        username=username,
        name=name.strip(),
        phone=phone.strip(),
        email="",
        password=password,
        by=by,
    )
