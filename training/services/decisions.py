"""Association staff confirm, reject and correct hours (training.services)."""

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from training import rules
from training.models import Participation, ParticipationCorrection, ParticipationState

S = ParticipationState


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
