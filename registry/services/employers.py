"""Employers and their portal users: sign-up, the association's verification, colleagues.

Each function is the one sanctioned way to make its change; views and admin actions only call them.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from registry.models import Employer
from registry.validators import normalize_uscc

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

    A pending or suspended employer becomes active; `verified_by`/`verified_at` record who and when.
    An authorised verification institution is never verified (its staff are not eligible).
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
    employer.save(update_fields=["status", "verified_by", "verified_at"])
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
