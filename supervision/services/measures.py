"""Measures on a check's findings. A suspension or revocation is only ever carried out through the
registry's own workflow (registry.services.certificates), which writes the registry's audit entry and
regenerates the certificate's PDF and public page; this module never touches a certificate's row."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.models import Action
from audit.services import audit_log
from registry.models import RegistrationCertificate
from registry.services.certificates import certificate_revoke, certificate_suspend
from registry.workflow import CertificateState
from supervision.models import CERTIFICATE_MEASURES, Check, Measure, MeasureKind, MeasureState, PlanKind

from .checks import may_record


@transaction.atomic
def measure_add(
    *,
    check: Check,
    by: User,
    kind: str,
    description: str,
    due_on: dt.date | None = None,
    referred_to: str = "",
    certificate: RegistrationCertificate | None = None,
) -> Measure:
    """Order a measure on a check where problems were found (by its inspectors or the bureau)."""
    locked = Check.objects.select_for_update().get(pk=check.pk)
    if not may_record(locked, by):
        raise ValidationError(
            _("Only the inspectors assigned to this check may record it."), code="not_yours"
        )
    if kind not in MeasureKind.values:
        raise ValidationError(_("Choose the measure."), code="kind")
    if not locked.findings.filter(found=True).exists():
        raise ValidationError(
            _("Measures are ordered on problems found: record the finding first."), code="no_problem"
        )
    description = (description or "").strip()
    if not description:
        raise ValidationError(_("Say what is ordered and why."), code="description")
    if kind == MeasureKind.RECTIFICATION:
        if due_on is None:
            raise ValidationError(_("Give the day by which it must be rectified."), code="due_on")
        if due_on < timezone.localdate():
            raise ValidationError(_("The day to rectify by cannot be in the past."), code="due_past")
    if kind == MeasureKind.REFERRAL and not (referred_to or "").strip():
        raise ValidationError(_("Say where the case is referred to."), code="referred_to")
    if kind in CERTIFICATE_MEASURES:
        if certificate is None:
            raise ValidationError(_("Choose the registration certificate concerned."), code="certificate")
        if locked.kind != PlanKind.EMPLOYERS or certificate.employer_id != locked.employer_id:
            raise ValidationError(
                _("The certificate %(number)s is not one of the checked employer's.")
                % {"number": certificate.number},
                code="certificate_elsewhere",
            )
        allowed = (
            (CertificateState.VALID,)
            if kind == MeasureKind.SUSPENSION
            else (CertificateState.VALID, CertificateState.SUSPENDED)
        )
        if certificate.state not in allowed:
            raise ValidationError(
                _("The certificate %(number)s is “%(state)s”: this measure cannot apply to it.")
                % {"number": certificate.number, "state": certificate.get_state_display()},
                code="certificate_state",
            )
    else:
        certificate = None
    measure = Measure.objects.create(
        check_row=locked,
        kind=kind,
        description=description,
        due_on=due_on if kind == MeasureKind.RECTIFICATION else None,
        referred_to=(referred_to or "").strip() if kind == MeasureKind.REFERRAL else "",
        certificate=certificate,
        created_by=by,
    )
    audit_log(
        action=Action.SUPERVISION_MEASURE,
        actor=by,
        target=measure,
        detail={
            "ordered": kind,
            "check": locked.pk,
            "certificate": certificate.number if certificate else "",
        },
    )
    return measure


@transaction.atomic
def measure_follow_up(*, measure: Measure, by: User, note: str, done: bool) -> Measure:
    """Record the follow-up of a rectification order or a referral (by the check's inspectors or the
    bureau), and mark it done when it is."""
    locked = Measure.objects.select_for_update(of=("self",)).select_related("check_row").get(pk=measure.pk)
    if not may_record(locked.check_row, by):
        raise ValidationError(
            _("Only the inspectors assigned to this check may record it."), code="not_yours"
        )
    if locked.kind in CERTIFICATE_MEASURES:
        raise ValidationError(
            _("A suspension or revocation is carried out by the association in the registry."),
            code="certificate_measure",
        )
    if locked.state == MeasureState.DONE:
        raise ValidationError(_("This measure is done already."), code="done")
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Describe the follow-up."), code="note")
    stamp = timezone.localdate().isoformat()
    locked.follow_up = f"{locked.follow_up}\n{stamp} {note}".strip()
    if done:
        locked.state = MeasureState.DONE
        locked.done_on = timezone.localdate()
        locked.done_by = by
    locked.save()
    audit_log(
        action=Action.SUPERVISION_MEASURE, actor=by, target=locked, detail={"follow_up": True, "done": done}
    )
    return locked


@transaction.atomic
def measure_carry_out(*, measure: Measure, by: User) -> Measure:
    """Association staff carry out an ordered suspension or revocation: the registry's own service makes
    the transition (its audit entry names them and the measure), then the measure is done."""
    if not (by.is_superuser or by.has_role(Role.ASSOCIATION)):
        raise ValidationError(_("Only association staff carry out measures on certificates."), code="role")
    locked = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("check_row__plan", "certificate")
        .get(pk=measure.pk)
    )
    if locked.kind not in CERTIFICATE_MEASURES or locked.certificate is None:
        raise ValidationError(_("Only a suspension or revocation is carried out here."), code="kind")
    if locked.state == MeasureState.DONE:
        raise ValidationError(_("This measure is done already."), code="done")
    reason = _("Spot check “%(plan)s”: %(description)s") % {
        "plan": locked.check_row.plan.title,
        "description": locked.description,
    }
    service = certificate_suspend if locked.kind == MeasureKind.SUSPENSION else certificate_revoke
    service(certificate=locked.certificate, by=by, reason=reason)
    locked.state = MeasureState.DONE
    locked.done_on = timezone.localdate()
    locked.done_by = by
    locked.save()
    audit_log(
        action=Action.SUPERVISION_MEASURE,
        actor=by,
        target=locked,
        detail={"carried_out": locked.kind, "certificate": locked.certificate.number},
    )
    return locked
