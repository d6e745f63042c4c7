"""Recording a check: the inspectors assigned to it (or the bureau) record findings and evidence, then
complete it with a result. A completed check is closed; measures on it are followed up separately."""

import datetime as dt
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.models import Action
from audit.services import audit_log
from common.uploads import validate_material_file
from registry.models import RegistrationCertificate
from supervision.models import (
    Check,
    CheckResult,
    CheckState,
    Evidence,
    Finding,
    PlanKind,
    checklist_items,
)


class FindingInput(TypedDict, total=False):
    found: bool
    note: str
    certificate: RegistrationCertificate | None


def may_record(check: Check, user: User) -> bool:
    """An inspector assigned to the check, or the bureau."""
    if user.is_superuser or user.has_role(Role.BUREAU):
        return True
    return user.has_role(Role.INSPECTOR) and check.inspectors.filter(pk=user.pk).exists()


def _lock_open(check: Check, by: User) -> Check:
    locked = Check.objects.select_for_update(of=("self",)).select_related("plan").get(pk=check.pk)
    if not may_record(locked, by):
        raise ValidationError(
            _("Only the inspectors assigned to this check may record it."), code="not_yours"
        )
    if locked.state == CheckState.COMPLETED:
        raise ValidationError(_("This check is completed and can no longer change."), code="completed")
    return locked


def _validate_certificate(check: Check, certificate: RegistrationCertificate | None) -> None:
    if certificate is None:
        return
    if check.kind != PlanKind.EMPLOYERS or certificate.employer_id != check.employer_id:
        raise ValidationError(
            _("The certificate %(number)s is not one of the checked employer's.")
            % {"number": certificate.number},
            code="certificate_elsewhere",
        )


@transaction.atomic
def check_record(
    *, check: Check, by: User, findings: dict[str, FindingInput], checked_on: dt.date | None, summary: str
) -> Check:
    """Save the checklist as the inspector has it now (all items at once, saved again freely until the
    check is completed). A problem found needs a note saying what was found."""
    locked = _lock_open(check, by)
    items = dict(checklist_items(locked.kind))
    unknown = set(findings) - set(items)
    if unknown:
        raise ValidationError(_("Unknown checklist item."), code="item")
    if checked_on is not None and checked_on > timezone.localdate():
        raise ValidationError(_("The day of the check cannot be in the future."), code="future")
    for item, data in findings.items():
        if data.get("found") and not (data.get("note") or "").strip():
            raise ValidationError(
                _("Say what was found for “%(item)s”.") % {"item": items[item]}, code="note_required"
            )
        _validate_certificate(locked, data.get("certificate"))
    for item, data in findings.items():
        Finding.objects.update_or_create(
            check_row=locked,
            item=item,
            defaults={
                "found": bool(data.get("found")),
                "note": (data.get("note") or "").strip(),
                "certificate": data.get("certificate"),
                "recorded_by": by,
            },
        )
    locked.checked_on = checked_on
    locked.summary = (summary or "").strip()
    locked.save(update_fields=["checked_on", "summary"])
    audit_log(
        action=Action.SUPERVISION_CHECK,
        actor=by,
        target=locked,
        detail={"found": sorted(i for i, d in findings.items() if d.get("found"))},
    )
    return locked


@transaction.atomic
def evidence_add(*, check: Check, by: User, file: UploadedFile, item: str = "") -> Evidence:
    """A photo or scan taken on site, checked by content (PDF, JPEG, PNG)."""
    locked = _lock_open(check, by)
    if item and item not in dict(checklist_items(locked.kind)):
        raise ValidationError(_("Unknown checklist item."), code="item")
    validate_material_file(file)
    evidence = Evidence(check_row=locked, item=item, uploaded_by=by, original_name=(file.name or "")[:255])
    evidence.file.save(file.name or "evidence", file, save=False)
    evidence.save()
    audit_log(
        action=Action.SUPERVISION_CHECK,
        actor=by,
        target=locked,
        detail={"evidence_added": evidence.pk, "item": item},
    )
    return evidence


@transaction.atomic
def check_complete(*, check: Check, by: User) -> Check:
    """Close the check: every checklist item answered and the day of the check given. The result follows
    from the findings (problems found if any item was found), so it cannot contradict them."""
    locked = _lock_open(check, by)
    answered = set(locked.findings.values_list("item", flat=True))
    missing = [label for item, label in checklist_items(locked.kind) if item not in answered]
    if missing:
        raise ValidationError(
            _("Answer every item of the checklist first: %(items)s.")
            % {"items": "、".join(str(label) for label in missing)},
            code="incomplete",
        )
    if locked.checked_on is None:
        raise ValidationError(_("Give the day of the check."), code="checked_on")
    problems = locked.findings.filter(found=True).exists()
    locked.result = CheckResult.PROBLEMS if problems else CheckResult.NO_PROBLEM
    locked.state = CheckState.COMPLETED
    locked.completed_at = timezone.now()
    locked.completed_by = by
    locked.save()
    audit_log(action=Action.SUPERVISION_CHECK, actor=by, target=locked, detail={"completed": locked.result})
    return locked
