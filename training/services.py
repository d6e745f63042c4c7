"""Writes of the continuing-education ledger. Every activity, participation, decision and correction goes
through one of these; each writes its audit event in the same transaction.

- An employer's clerk records activities and its own staff's hours (`activity_record`,
  `participations_record`), and may change or withdraw hours while they await confirmation.
- Association staff record activities the association or an industry body ran (employer None), confirm
  or reject hours (`participation_confirm`, `participation_reject`, with a reason), and change a decided
  entry only through `participation_correct` (a reason, a ParticipationCorrection row, an audit event).

"Staff" of an employer here are the people whose registration certificate names it and is in force on
the activity's last day (registry.eligibility.certificates_in_force): the holders whose hours count.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from people.models import Employer, Person
from registry.eligibility import certificates_in_force
from registry.models import RegistrationCertificate

from . import rules
from .models import Activity, Participation, ParticipationCorrection, ParticipationState

S = ParticipationState


@dataclass(frozen=True)
class ActivityData:
    title: str
    kind: str
    organiser: str
    starts_on: dt.date
    ends_on: dt.date
    hours: Decimal
    subject: str
    online: bool = False
    place: str = ""


@dataclass(frozen=True)
class Entry:
    """One participant's hours (at most the activity's) and, optionally, their certificate of attendance."""

    person: Person
    hours: Decimal
    evidence: File | None = None


def _file_name(file: File | None) -> str:
    return PurePath(getattr(file, "name", "") or "").name[:255] if file else ""


@transaction.atomic
def activity_record(
    *, data: ActivityData, by: User, employer: Employer | None, attendance_list: File | None = None
) -> Activity:
    """Record an activity: an employer's own (employer given) or one the association or an industry body
    ran (employer None, association staff). Validated in full; ValidationError changes nothing."""
    activity = Activity(
        title=data.title,
        kind=data.kind,
        organiser=data.organiser,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        hours=data.hours,
        subject=data.subject,
        online=data.online,
        place="" if data.online else data.place,
        employer=employer,
        created_by=by,
    )
    if attendance_list is not None:
        activity.attendance_list = attendance_list
        activity.attendance_list_name = _file_name(attendance_list)
    activity_check(activity)
    activity.save()
    audit_log(action=Action.RECORD_CHANGED, actor=by, target=activity, detail={"created": True})
    return activity


def activity_check(activity: Activity) -> None:
    """The activity's own rules, in the user's language: dates in order, a place unless online."""
    errors: dict[str, list[str]] = {}
    if activity.starts_on and activity.ends_on and activity.ends_on < activity.starts_on:
        errors.setdefault("ends_on", []).append(_("The end date cannot be before the start date."))
    if not activity.online and not (activity.place or "").strip():
        errors.setdefault("place", []).append(_("Enter the place, or mark the activity as online."))
    try:
        # The fields already refused are left out, so their database constraints do not add a second,
        # unreadable message ("constraint … is violated").
        activity.full_clean(exclude=list(errors) or None)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if errors:
        raise ValidationError(errors)


# What decides how an activity's hours count: the year (its end), the cap (its hours), professional or
# general (its subject). Frozen once any of its entries is confirmed or rejected.
COUNTING_FIELDS = ("starts_on", "ends_on", "hours", "subject")


def activity_frozen_fields(activity: Activity) -> tuple[str, ...]:
    """COUNTING_FIELDS once an entry of `activity` is decided (their change would silently move decided
    hours between years, subjects or over the cap), else nothing."""
    if activity.pk and activity.participations.exclude(state=S.RECORDED).exists():
        return COUNTING_FIELDS
    return ()


def _activity_values(data: ActivityData) -> dict:
    return {
        "title": data.title,
        "kind": data.kind,
        "organiser": data.organiser,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "hours": Decimal(data.hours),
        "subject": data.subject,
        "online": data.online,
        "place": "" if data.online else data.place,
    }


def activity_change_check(*, activity: Activity, data: ActivityData) -> list[str]:
    """The fields `data` would change; ValidationError (by field) if the change is not allowed: dates,
    hours or subject once an entry is decided, hours below an entry's. For forms to ask before saving."""
    new = _activity_values(data)
    changed = [name for name, value in new.items() if getattr(activity, name) != value]
    frozen = [name for name in changed if name in activity_frozen_fields(activity)]
    if frozen:
        message = _(
            "Hours of this activity are already confirmed or rejected: its dates, hours and subject can "
            "no longer change. Correct the entries instead."
        )
        raise ValidationError(dict.fromkeys(frozen, message), code="frozen")
    if "hours" in changed:
        most = max(activity.participations.values_list("hours", flat=True), default=None)
        if most is not None and new["hours"] < most:
            raise ValidationError(
                {
                    "hours": _(
                        "An entry of this activity records %(hours)s hours; the activity cannot have fewer."
                    )
                    % {"hours": format(most.normalize(), "f")}
                },
                code="below_entries",
            )
    return changed


@transaction.atomic
def activity_change(
    *, activity: Activity, data: ActivityData, by: User, attendance_list: File | None = None
) -> Activity:
    """Change an activity's details. Its dates, hours and subject only while none of its entries is decided
    (afterwards a decided entry changes through `participation_correct`), and its hours never below an
    entry's. Validated in full; ValidationError changes nothing. Audited with the names of the fields."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    changed = activity_change_check(activity=activity, data=data)
    for name, value in _activity_values(data).items():
        setattr(activity, name, value)
    if attendance_list is not None:
        activity.attendance_list = attendance_list
        activity.attendance_list_name = _file_name(attendance_list)
        changed.append("attendance_list")
    if not changed:
        return activity
    activity_check(activity)
    activity.save()
    audit_log(action=Action.RECORD_CHANGED, actor=by, target=activity, detail={"fields": changed})
    return activity


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


def _locked(participation: Participation) -> Participation:
    return (
        Participation.objects.select_for_update()
        .select_related("activity", "person")
        .get(pk=participation.pk)
    )


@transaction.atomic
def participation_confirm(*, participation: Participation, by: User) -> Participation:
    """Association staff confirm hours awaiting confirmation: they count from now on."""
    participation = _locked(participation)
    if participation.state != S.RECORDED:
        raise ValidationError(_("Only hours awaiting confirmation can be confirmed."), code="already_decided")
    participation.state = S.CONFIRMED
    participation.decided_by = by
    participation.decided_at = timezone.now()
    participation.save(update_fields=["state", "decided_by", "decided_at"])
    audit_log(action=Action.TRAINING_DECIDED, actor=by, target=participation, detail={"state": S.CONFIRMED})
    return participation


@transaction.atomic
def participation_reject(*, participation: Participation, by: User, reason: str) -> Participation:
    """Association staff reject hours awaiting confirmation, with a reason the employer reads."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for rejecting these hours."), code="reason_required")
    participation = _locked(participation)
    if participation.state != S.RECORDED:
        raise ValidationError(_("Only hours awaiting confirmation can be rejected."), code="already_decided")
    participation.state = S.REJECTED
    participation.rejection_reason = reason
    participation.decided_by = by
    participation.decided_at = timezone.now()
    participation.save(update_fields=["state", "rejection_reason", "decided_by", "decided_at"])
    audit_log(
        action=Action.TRAINING_DECIDED,
        actor=by,
        target=participation,
        detail={"state": S.REJECTED, "reason": reason},
    )
    return participation


def _locked_awaiting(participation_ids: Sequence[int], refusal: str) -> list[Participation]:
    """The entries, locked, if every one awaits confirmation; else ValidationError(`refusal`)."""
    rows = list(
        Participation.objects.select_for_update(of=("self",))
        .select_related("activity")
        .filter(pk__in=list(participation_ids))
        .order_by("pk")
    )
    if not rows:
        raise ValidationError(_("Select at least one entry."), code="none_selected")
    decided = sum(1 for p in rows if p.state != S.RECORDED)
    if decided:
        raise ValidationError(refusal % {"count": decided}, code="already_decided")
    return rows


@transaction.atomic
def participations_confirm(*, participation_ids: Sequence[int], by: User) -> list[Participation]:
    """Association staff confirm several entries at once, all or none: if any of them is already decided,
    nothing changes. One audit event per entry, as `participation_confirm` writes."""
    rows = _locked_awaiting(
        participation_ids,
        _(
            "%(count)d of the selected entries are already confirmed or rejected; nothing was changed. "
            "Select only entries awaiting confirmation."
        ),
    )
    now = timezone.now()
    for participation in rows:
        participation.state, participation.decided_by, participation.decided_at = S.CONFIRMED, by, now
    Participation.objects.bulk_update(rows, ["state", "decided_by", "decided_at"])
    for participation in rows:
        audit_log(
            action=Action.TRAINING_DECIDED, actor=by, target=participation, detail={"state": S.CONFIRMED}
        )
    return rows


@transaction.atomic
def participations_reject(*, participation_ids: Sequence[int], by: User, reason: str) -> list[Participation]:
    """Association staff reject several entries at once with one reason, all or none (as
    `participations_confirm`); rejected hours do not count."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for rejecting these hours."), code="reason_required")
    Participation._meta.get_field("rejection_reason").run_validators(reason)
    rows = _locked_awaiting(
        participation_ids,
        _(
            "%(count)d of the selected entries are already confirmed or rejected; nothing was changed. "
            "Select only entries awaiting confirmation."
        ),
    )
    now = timezone.now()
    for participation in rows:
        participation.state, participation.rejection_reason = S.REJECTED, reason
        participation.decided_by, participation.decided_at = by, now
    Participation.objects.bulk_update(rows, ["state", "rejection_reason", "decided_by", "decided_at"])
    for participation in rows:
        audit_log(
            action=Action.TRAINING_DECIDED,
            actor=by,
            target=participation,
            detail={"state": S.REJECTED, "reason": reason},
        )
    return rows


@transaction.atomic
def participation_correct(
    *,
    participation: Participation,
    by: User,
    reason: str,
    hours: Decimal | None = None,
    state: str | None = None,
) -> ParticipationCorrection:
    """Change a confirmed or rejected entry's hours or decision, with a reason: kept as a correction and an
    audit event. The only way a decided entry changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the correction."), code="reason_required")
    participation = _locked(participation)
    if participation.state == S.RECORDED:
        raise ValidationError(
            _("These hours await confirmation: confirm or reject them instead."), code="not_decided"
        )
    new_hours = participation.hours if hours is None else Decimal(hours)
    new_state = participation.state if state is None else state
    if new_state not in (S.CONFIRMED, S.REJECTED):
        raise ValidationError(_("A correction confirms or rejects the hours."), code="state")
    error = rules.hours_error(new_hours)
    if error is None and new_hours > participation.activity.hours:
        error = _("%(hours)s hours is more than the activity's %(max)s hours.") % {
            "hours": new_hours,
            "max": participation.activity.hours,
        }
    if error:
        raise ValidationError({"hours": error}, code="hours")
    if (new_hours, new_state) == (participation.hours, participation.state):
        raise ValidationError(_("The correction changes nothing."), code="no_change")
    correction = ParticipationCorrection.objects.create(
        participation=participation,
        old_hours=participation.hours,
        new_hours=new_hours,
        old_state=participation.state,
        new_state=new_state,
        reason=reason,
        made_by=by,
    )
    participation.hours = new_hours
    participation.state = new_state
    participation.rejection_reason = reason if new_state == S.REJECTED else ""
    participation.decided_by = by
    participation.decided_at = timezone.now()
    participation.save(update_fields=["hours", "state", "rejection_reason", "decided_by", "decided_at"])
    audit_log(
        action=Action.TRAINING_CORRECTED,
        actor=by,
        target=participation,
        detail={
            "hours": [str(correction.old_hours), str(new_hours)],
            "state": [correction.old_state, new_state],
            "reason": reason,
        },
    )
    return correction


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
    file = participation.evidence
    participation.delete()
    if file:
        transaction.on_commit(lambda: file.storage.delete(file.name))
