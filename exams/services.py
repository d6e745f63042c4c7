"""Writes of the assessments. Every result, certificate and check goes through one of these."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from registry.models import Person

from . import rules
from .models import (
    AssessmentCertificate,
    AssessmentResult,
    AssessmentSession,
    CertificateNumberCounter,
    MetrologyProject,
    RecognisedCertificate,
    VerifierCertificate,
)

# The authority printed on the certificates the training centre issues.
ISSUER = "黑龙江省市场监督管理人才培养发展中心"


@transaction.atomic
def result_record(
    *,
    session: AssessmentSession,
    person: Person,
    project: MetrologyProject,
    skill_score: Decimal,
    knowledge_score: Decimal,
    by: User,
) -> AssessmentResult:
    """Record (or correct) one person's scores for a project in a session; `passed` from the rule.

    A result that a certificate already covers is final: correcting it would change what the
    certificate attests, so it is refused.
    """
    result = (
        AssessmentResult.objects.select_for_update()
        .filter(session=session, person=person, project=project)
        .first()
    ) or AssessmentResult(session=session, person=person, project=project)
    if result.certificate_id is not None:
        raise ValidationError(
            _("This result is covered by an assessment certificate and can no longer be changed."),
            code="certified",
        )
    result.skill_score = skill_score
    result.knowledge_score = knowledge_score
    result.full_clean(exclude=["recorded_by"])
    result.passed = rules.passed(result.skill_score, result.knowledge_score)
    result.recorded_by = by
    result.recorded_at = timezone.now()
    result.save()
    return result


@transaction.atomic
def certificate_numbers_take(*, year: int, count: int) -> list[str]:
    """`count` consecutive new certificate numbers of `year`, e.g. HLJKH-2026-000123.

    Gap-free and unique under concurrency: the year's counter row is locked until the caller's
    transaction ends, and rolled back with it if the certificates are not saved.
    """
    CertificateNumberCounter.objects.bulk_create([CertificateNumberCounter(year=year)], ignore_conflicts=True)
    counter = CertificateNumberCounter.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    prefix = AssessmentCertificate.NUMBER_PREFIX
    return [f"{prefix}-{year}-{n:06d}" for n in range(first, first + count)]


@dataclass
class IssueOutcome:
    certificates: list[AssessmentCertificate] = field(default_factory=list)
    skipped: int = 0  # selected results that were not passed or already certified


@transaction.atomic
def certificates_issue(
    *, results: Iterable[AssessmentResult] | QuerySet, by: User, issued_on: dt.date | None = None
) -> IssueOutcome:
    """Issue one certificate per person, covering that person's given passed, not yet certified results.

    The results are locked first, so two staff issuing for the same results at once cannot both
    certify them: the second finds them certified and skips them. A constant number of queries
    whatever the number of results; one audit event lists the certificates issued.
    """
    issued_on = issued_on or timezone.localdate()
    ids = [r.pk for r in results]
    locked = list(
        AssessmentResult.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("person_id", "project_id")
    )
    eligible = [r for r in locked if r.passed and r.certificate_id is None]
    outcome = IssueOutcome(skipped=len(ids) - len(eligible))
    by_person: dict[int, list[AssessmentResult]] = {}
    for result in eligible:
        by_person.setdefault(result.person_id, []).append(result)
    if not by_person:
        return outcome

    numbers = certificate_numbers_take(year=issued_on.year, count=len(by_person))
    certificates = [
        AssessmentCertificate(
            person_id=person_id, number=number, issued_on=issued_on, issuer=ISSUER, issued_by=by
        )
        for person_id, number in zip(by_person, numbers, strict=True)
    ]
    AssessmentCertificate.objects.bulk_create(certificates)
    Through = AssessmentCertificate.projects.through
    links = []
    for certificate in certificates:
        project_ids = sorted({r.project_id for r in by_person[certificate.person_id]})
        links += [
            Through(assessmentcertificate_id=certificate.pk, metrologyproject_id=p) for p in project_ids
        ]
        for result in by_person[certificate.person_id]:
            result.certificate_id = certificate.pk
    Through.objects.bulk_create(links)
    AssessmentResult.objects.bulk_update(eligible, ["certificate"])
    audit_log(
        action=Action.RECORD_CHANGED,
        actor=by,
        target=AssessmentCertificate,
        detail={
            "operation": "issued",
            "certificates": [c.number for c in certificates],
            "results": len(eligible),
        },
    )
    outcome.certificates = certificates
    return outcome


@transaction.atomic
def certificate_revoke(
    *,
    certificate: AssessmentCertificate | RecognisedCertificate | VerifierCertificate,
    reason: str,
    by: User,
) -> None:
    """Revoke a certificate of any source: from now on it no longer counts for registration."""
    certificate = type(certificate).objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit_log(
        action=Action.RECORD_CHANGED,
        actor=by,
        target=certificate,
        detail={"operation": "revoked", "reason": reason},
    )


@transaction.atomic
def certificates_check(*, certificates: QuerySet, by: User) -> int:
    """Record that `by` checked these recognised or verifier certificates against the originals.

    From then on they count as assessment certificates. Certificates already checked keep their first
    checker. Returns how many were newly checked.
    """
    if certificates.model not in (RecognisedCertificate, VerifierCertificate):
        raise TypeError(f"{certificates.model.__name__} is not checked by staff")
    model = certificates.model
    unchecked = list(
        model.objects.select_for_update()
        .filter(pk__in=certificates.values("pk"), checked_at__isnull=True)
        .order_by("pk")
    )
    if not unchecked:
        return 0
    count = model.objects.filter(pk__in=[c.pk for c in unchecked]).update(
        checked_by=by, checked_at=timezone.now()
    )
    audit_log(
        action=Action.RECORD_CHANGED,
        actor=by,
        target=model,
        detail={"operation": "checked", "certificates": [str(c) for c in unchecked]},
    )
    return count
