"""Recording and changing continuing-education activities (training.services)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from people.models import Employer
from training.models import Activity, ParticipationState

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
