"""Read queries of the assessments."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from .models import (
    AssessmentCertificate,
    AssessmentCertificateChange,
    MetrologyProject,
    RecognisedCertificate,
    VerifierCertificate,
)
from .models.certificates import CertificateBase


def _valid_project_rows(
    model: type[CertificateBase], *, person_ids: list[int], on: dt.date, checked: bool
) -> QuerySet:
    """(person id, project id) for certificates of `model` valid on `on`: issued by then, not expired,
    not revoked and, for certificates from elsewhere, checked by staff."""
    through: Any = model.projects.through  # the auto-created M2M model
    owner = model._meta.model_name  # the through model's FK to the certificate is named after it
    q = Q(
        **{
            f"{owner}__person_id__in": person_ids,
            f"{owner}__issued_on__lte": on,
            f"{owner}__revoked_at__isnull": True,
        }
    ) & (Q(**{f"{owner}__valid_until__isnull": True}) | Q(**{f"{owner}__valid_until__gte": on}))
    if checked:
        q &= Q(**{f"{owner}__checked_at__isnull": False})
    return through.objects.filter(q).values_list(f"{owner}__person_id", "metrologyproject_id").order_by()


def projects_with_valid_assessment_for_people(
    *, person_ids: Iterable[int], on: dt.date
) -> dict[int, frozenset[int]]:
    """The same for many people at once, in one query whatever their number (batch uploads, the admin).

    Every requested person is a key; a person with no valid certificate maps to an empty set.
    """
    ids = list(dict.fromkeys(int(i) for i in person_ids))
    if not ids:
        return {}
    rows = _valid_project_rows(AssessmentCertificate, person_ids=ids, on=on, checked=False).union(
        _valid_project_rows(RecognisedCertificate, person_ids=ids, on=on, checked=True),
        _valid_project_rows(VerifierCertificate, person_ids=ids, on=on, checked=True),
    )
    found: dict[int, set[int]] = {i: set() for i in ids}
    for person_id, project_id in rows:
        found[person_id].add(project_id)
    return {person_id: frozenset(projects) for person_id, projects in found.items()}


def assessment_changes_after(*, after: int, limit: int) -> list[dict]:
    """The assessment certificates' change feed after sequence `after`, oldest first, at most `limit`
    rows: plain rows for the exchange API (issue 20). Keyset on the primary key (constant time at any
    depth); two queries whatever `limit`. The holder's resident ID number leaves masked, always."""
    changes = (
        AssessmentCertificateChange.objects.filter(sequence__gt=after)
        .order_by("sequence")
        .select_related("certificate__person")
        .prefetch_related(
            Prefetch("certificate__projects", queryset=MetrologyProject.objects.order_by("code"))
        )[:limit]
    )
    rows = []
    for change in changes:
        certificate = change.certificate
        rows.append(
            {
                "sequence": change.sequence,
                "kind": change.kind,
                "at": change.at,
                "number": certificate.number,
                "issuer": certificate.issuer,
                "state": "revoked" if certificate.revoked_at is not None else "valid",
                "issued_on": certificate.issued_on,
                "valid_until": certificate.valid_until,
                "revoked_at": certificate.revoked_at,
                "holder_name": certificate.person.name,
                "holder_id_number_masked": certificate.person.masked_id_number,
                "project_codes": [project.code for project in certificate.projects.all()],
            }
        )
    return rows
