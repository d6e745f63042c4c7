"""Recording participants' hours, and a clerk's change or withdrawal while they await confirmation
(training.services)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from people.models import Employer, Person
from registry.eligibility import certificates_in_force
from registry.models import RegistrationCertificate
from training import rules
from training.models import Activity, Participation, ParticipationState

from .activities import _file_name
from .decisions import _locked

S = ParticipationState


@dataclass(frozen=True)
class Entry:
    """One participant's hours (at most the activity's) and, optionally, their certificate of attendance."""

    person: Person
    hours: Decimal
    evidence: File | None = None


def staff_on(*, employer: Employer, on: dt.date) -> dict[int, RegistrationCertificate]:
    """person id → a certificate naming `employer` in force on day `on`: whose hours it may record."""
    in_force = certificates_in_force(on, among=RegistrationCertificate.objects.filter(employer=employer))
    return {c.person_id: c for c in in_force.order_by("level")}


def entry_problems(
    *, activity: Activity, entries: Sequence[Entry], employer: Employer | None
) -> list[tuple[int, str]]:
    """(index, message) for each entry that cannot be recorded: hours not in half-hour steps or more than
    the activity's, someone not on the employer's staff, someone twice or already recorded."""
    problems: list[tuple[int, str]] = []
    staff = staff_on(employer=employer, on=activity.ends_on) if employer is not None else None
    recorded = (
        set(
            Participation.objects.filter(
                activity=activity, person__in=[e.person.pk for e in entries]
            ).values_list("person_id", flat=True)
        )
        if activity.pk
        else set()
    )
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        error = rules.hours_error(Decimal(entry.hours))
        if error:
            problems.append((index, error))
        elif entry.hours > activity.hours:
            problems.append(
                (
                    index,
                    _("%(hours)s hours is more than the activity's %(max)s hours.")
                    % {"hours": entry.hours, "max": activity.hours},
                )
            )
        if staff is not None and entry.person.pk not in staff:
            problems.append(
                (
                    index,
                    _(
                        "%(name)s does not hold a registration certificate of your enterprise in force on "
                        "the activity's last day."
                    )
                    % {"name": entry.person.name},
                )
            )
        if entry.person.pk in seen:
            problems.append((index, _("%(name)s is listed twice.") % {"name": entry.person.name}))
        elif entry.person.pk in recorded:
            problems.append(
                (
                    index,
                    _("%(name)s's hours in this activity are already recorded.")
                    % {"name": entry.person.name},
                )
            )
        seen.add(entry.person.pk)
    return problems


@transaction.atomic
def participations_record(
    *, activity: Activity, entries: Sequence[Entry], by: User, employer: Employer | None
) -> list[Participation]:
    """Record the hours of `entries` in `activity`, all or none: an employer's clerk for its own staff
    (`employer`), association staff for anyone (`employer` None). They await confirmation."""
    if employer is not None and activity.employer_id not in (None, employer.pk):
        raise ValidationError(_("This activity was recorded by another enterprise."), code="not_yours")
    Activity.objects.select_for_update().get(pk=activity.pk)  # one recording of the same people at a time
    problems = entry_problems(activity=activity, entries=entries, employer=employer)
    if problems:
        raise ValidationError([ValidationError(m, code="entry") for _i, m in problems])
    created = []
    for entry in entries:
        participation = Participation(
            activity=activity,
            person=entry.person,
            employer=employer if employer is not None else _employer_of(entry.person, activity.ends_on),
            hours=entry.hours,
            recorded_by=by,
        )
        if entry.evidence is not None:
            participation.evidence = entry.evidence
            participation.evidence_name = _file_name(entry.evidence)
        participation.full_clean(exclude=["activity", "person", "employer"])
        created.append(participation)
    created = Participation.objects.bulk_create(created)  # stores each evidence file too (pre_save)
    audit_log(
        action=Action.RECORD_CHANGED,
        actor=by,
        target=activity,
        detail={"participations_recorded": len(created)},
    )
    return created


def _employer_of(person: Person, on: dt.date) -> Employer | None:
    """The employer a person's registration in force on day `on` names, if any (association records)."""
    certificate = (
        certificates_in_force(on, among=RegistrationCertificate.objects.filter(person=person))
        .select_related("employer")
        .first()
    )
    return certificate.employer if certificate else None


@transaction.atomic
def participation_change(
    *, participation: Participation, by: User, employer: Employer, hours: Decimal
) -> Participation:
    """An employer's clerk changes its own entry's hours while they await confirmation."""
    participation = _locked(participation)
    if participation.employer_id != employer.pk:
        raise ValidationError(_("These hours were recorded by another enterprise."), code="not_yours")
    if participation.state != S.RECORDED:
        raise ValidationError(
            _("Confirmed or rejected hours change only through the association."), code="already_decided"
        )
    error = rules.hours_error(Decimal(hours))
    if error is None and hours > participation.activity.hours:
        error = _("%(hours)s hours is more than the activity's %(max)s hours.") % {
            "hours": hours,
            "max": participation.activity.hours,
        }
    if error:
        raise ValidationError({"hours": error}, code="hours")
    old = participation.hours
    participation.hours = hours
    participation.save(update_fields=["hours"])
    audit_log(
        action=Action.RECORD_CHANGED, actor=by, target=participation, detail={"hours": [str(old), str(hours)]}
    )
    return participation


@transaction.atomic
def participation_withdraw(*, participation: Participation, by: User, employer: Employer) -> None:
    """An employer's clerk withdraws its own entry while it awaits confirmation (a mistake)."""
    participation = _locked(participation)
    if participation.employer_id != employer.pk:
        raise ValidationError(_("These hours were recorded by another enterprise."), code="not_yours")
    if participation.state != S.RECORDED:
        raise ValidationError(
            _("Confirmed or rejected hours change only through the association."), code="already_decided"
        )
    audit_log(
        action=Action.DELETED,
        actor=by,
        target=participation,
        detail={"activity": participation.activity_id, "hours": str(participation.hours)},
    )
    storage, name = participation.evidence.storage, participation.evidence.name
    participation.delete()
    if name:
        transaction.on_commit(partial(storage.delete, name))
