"""Declared conflicts of interest: an inspector is never drawn to check an employer they declared."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.models import Action
from audit.services import audit_log
from people.models import Employer
from supervision.models import InspectorConflict


@transaction.atomic
def conflict_declare(*, inspector: User, employer: Employer, note: str, by: User) -> InspectorConflict:
    """An inspector declares a link (or the bureau records one for them). Applies to every later draw."""
    if not inspector.has_role(Role.INSPECTOR):
        raise ValidationError(_("Only an inspector declares a conflict of interest."), code="not_inspector")
    if by != inspector and not (by.is_superuser or by.has_role(Role.BUREAU)):
        raise ValidationError(_("You can declare only your own conflicts."), code="not_yours")
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say what links you to the employer."), code="note")
    conflict, created = InspectorConflict.objects.get_or_create(
        inspector=inspector, employer=employer, defaults={"note": note}
    )
    if not created:
        raise ValidationError(_("This conflict is declared already."), code="duplicate")
    audit_log(action=Action.SUPERVISION_CONFLICT, actor=by, target=conflict, detail={"declared": employer.pk})
    return conflict


@transaction.atomic
def conflict_withdraw(*, conflict: InspectorConflict, by: User) -> None:
    """Withdraw a declaration (the link ended); draws already made keep the conflicts they honoured."""
    if by != conflict.inspector and not (by.is_superuser or by.has_role(Role.BUREAU)):
        raise ValidationError(_("You can withdraw only your own declarations."), code="not_yours")
    audit_log(
        action=Action.SUPERVISION_CONFLICT,
        actor=by,
        target=conflict,
        detail={"withdrawn": conflict.employer_id},
    )
    conflict.delete()
