"""Batches: an employer submits many applications at once, each keeping its own state and clock."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from registry.models import Application, Batch
from registry.services.applications import application_submit
from registry.workflow import ApplicationState


@dataclass
class BatchSubmitResult:
    submitted: list[Application] = field(default_factory=list)
    incomplete: dict[Application, list[str]] = field(default_factory=dict)  # → what it lacks


@transaction.atomic
def batch_submit(*, batch: Batch, by: User, truthfulness_confirmed: bool) -> BatchSubmitResult:
    """Submit every complete draft of `batch` in one step; return the others with what they lack.

    Refused, changing nothing, unless `by` confirms the truthfulness undertaking; the confirmation is
    recorded on the batch (who, when) and in each submitted application's audit row. Each draft is
    submitted by application_submit in its own savepoint, so an incomplete or ineligible one is left a
    draft, untouched, and never holds up the rest.
    """
    if truthfulness_confirmed is not True:
        raise ValidationError(
            _(
                "Confirm that the applicants and your employer answer for the truth of the materials "
                "(申请人及申请单位要对申请材料的真实性负责) before submitting."
            ),
            code="truthfulness_not_confirmed",
        )
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    result = BatchSubmitResult()
    drafts = (
        batch.applications.filter(state=ApplicationState.DRAFT)
        .select_related("person", "employer")
        .order_by("pk")
    )
    for application in drafts:
        try:
            with transaction.atomic():
                result.submitted.append(
                    application_submit(
                        application=application,
                        by=by,
                        detail={"truthfulness_undertaking": True, "batch": batch.number},
                    )
                )
        except ValidationError as error:
            result.incomplete[application] = error.messages
    if result.submitted:
        batch.submitted_at = batch.truthfulness_confirmed_at = timezone.now()
        batch.truthfulness_confirmed_by = by
        batch.save(update_fields=["submitted_at", "truthfulness_confirmed_at", "truthfulness_confirmed_by"])
    return result
